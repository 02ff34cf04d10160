package codes_test

import (
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

// publishedUSCCs are codes printed on published licences and documents of
// organisations, one or more per registration department and kind; they
// hold both the GB 32100 and the embedded GB 11714 check.
var publishedUSCCs = []string{
	"91440300708461136T", // enterprise, Shenzhen, digits-only organisation code
	"91110000802100433B", // enterprise, Beijing
	"914403001922038216", // enterprise, check character 6
	"91330100716105852F", // enterprise, Hangzhou
	"91350200776049653A", // enterprise, Xiamen
	"91350503MA31DKY80A", // enterprise, post-2015 MA… organisation code
	"91440101MA5CJQ4N59", // enterprise, Guangzhou
	"91350200MA31E12PXF", // organisation code check character X
	"9135021359498494XQ", // organisation code check character X, digits body
	"913502000728319549",
	"123502001549897397", // 事业单位
	"12440600MB2C07549J", // 事业单位, MB… organisation code
	"11140800558745220K", // 机关
	"11410182005291054B", // 机关
	"51310110501144395U", // 社会团体
}

func TestCheckUSCCPublished(t *testing.T) {
	for _, c := range publishedUSCCs {
		wantReasonFor(t, c, codes.CheckUSCC(c), "")
	}
}

func TestCheckUSCC(t *testing.T) {
	valid := "91440300708461136T"
	tests := []struct {
		name   string
		in     string
		reason codes.Reason
	}{
		{"national region 100000", mkUSCC("91100000", "71093123"), ""},
		{"individual business", mkUSCC("92330106", "MA2H7Q3K"), ""},
		{"union, department 8: organisation code not checked", withCheck("81330106" + "MC012345" + "7"), ""},
		{"department Y: organisation code not checked", withCheck("Y1110105" + "MD0A1B2C" + "3"), ""},
		{"other department 3 (司法行政)", mkUSCC("31440000", "45678901"), ""},

		{"empty", "", codes.ReasonRequired},
		{"17 characters", valid[:17], codes.ReasonUSCCLength},
		{"19 characters", valid + "1", codes.ReasonUSCCLength},
		{"15-digit registration number", "440301103456789", codes.ReasonUSCCLength},
		{"spaces around", " " + valid, codes.ReasonUSCCLength},
		{"lower case", strings.ToLower("91350503MA31DKY80A"), codes.ReasonUSCCLowercase},
		{"letter I", "91350503MA3IDKY80A", codes.ReasonUSCCForbiddenLetter},
		{"letter O", "91350503MAO1DKY80A", codes.ReasonUSCCForbiddenLetter},
		{"letter Z", "91350503MA31DKZ80A", codes.ReasonUSCCForbiddenLetter},
		{"letter S", "91350503MA31DKS80A", codes.ReasonUSCCForbiddenLetter},
		{"letter V", "91350503MA31DKV80A", codes.ReasonUSCCForbiddenLetter},
		{"hyphen", "91440300-708461136", codes.ReasonUSCCChars},
		{"full-width", fullWidth(valid[:17]) + "T", codes.ReasonUSCCChars},
		{"Chinese character", "91440300708461136号", codes.ReasonUSCCChars},
		{"region with letters", withCheck("9144A300708461136"), codes.ReasonUSCCRegion},
		{"region 000000", withCheck("91000000708461136"), codes.ReasonUSCCRegion},
		{"region of Hong Kong", withCheck("91810000708461136"), codes.ReasonUSCCRegion},
		{"region XX00YY", withCheck("91440003708461136"), codes.ReasonUSCCRegion},
		{"wrong check character", valid[:17] + "U", codes.ReasonUSCCCheckChar},
		{"one digit mistyped", "91440300708461137T", codes.ReasonUSCCCheckChar},
		{"Xiamen legacy code failing GB 32100 (see doc)", "91350203M0001QKT19", codes.ReasonUSCCCheckChar},
		{"an ID number", "11010519491231002X", codes.ReasonUSCCRegion},
		{"organisation code check broken, department 9", withCheck("91440300708461137"), codes.ReasonUSCCOrgCode},
		{"organisation code check broken, department 1", withCheck("12350200154989738"), codes.ReasonUSCCOrgCode},
		{"organisation code check broken, department 5", withCheck("51310110501144394"), codes.ReasonUSCCOrgCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantReasonFor(t, tt.in, codes.CheckUSCC(tt.in), tt.reason)
		})
	}
}

func TestNormalizeUSCC(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 91350503ma31dky80a\t", "91350503MA31DKY80A"},
		{"91440300708461136T", "91440300708461136T"},
		{"９1", "９1"}, // only ASCII changes
	}
	for _, tt := range tests {
		if got := codes.NormalizeUSCC(tt.in); got != tt.want {
			t.Errorf("NormalizeUSCC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	wantReason(t, codes.CheckUSCC(codes.NormalizeUSCC(" 91350503ma31dky80a ")), "")
}

func TestUSCCCheckChar(t *testing.T) {
	for _, c := range publishedUSCCs {
		got, err := codes.USCCCheckChar(c[:17])
		if err != nil || got != c[17] {
			t.Errorf("USCCCheckChar(%q) = %q, %v; want %q", c[:17], got, err, c[17])
		}
	}
	_, err := codes.USCCCheckChar("9144030070846113")
	wantReason(t, err, codes.ReasonUSCCLength)
	_, err = codes.USCCCheckChar("9144030070846113I")
	wantReason(t, err, codes.ReasonUSCCChars)
	_, err = codes.USCCCheckChar("9144030070846113a")
	wantReason(t, err, codes.ReasonUSCCChars)
}

// mkUSCC builds a code from the first eight characters and an eight-character
// organisation code body, adding both check characters.
func mkUSCC(head, body string) string {
	return withCheck(head + body + string(orgCheck(body)))
}

// withCheck appends the GB 32100 check character to 17 characters.
func withCheck(first17 string) string {
	c, err := codes.USCCCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// orgCheck is GB 11714 written out again, independently of the package.
func orgCheck(body string) byte {
	w := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 8 {
		sum += strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", body[i]) * w[i]
	}
	return "0123456789X0"[11-sum%11]
}

func wantReasonFor(t *testing.T, in string, err error, reason codes.Reason) {
	t.Helper()
	if (reason == "") != (err == nil) || codes.ReasonOf(err) != reason {
		t.Errorf("%q: got %v (%q), want reason %q", in, err, codes.ReasonOf(err), reason)
	}
}
