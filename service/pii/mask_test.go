package pii_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/unionhub/unionhub/service/pii"
)

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"张", "*"},
		{"张三", "张*"},
		{" 张三 ", "张*"},
		{"王小明", "王**"},
		{"欧阳娜娜", "欧阳**"},
		{"爱新觉罗溥仪", "爱新****"},
		{"𠮷", "*"},
		{"𠮷野", "𠮷*"},
		{"王𠮷", "王*"},
		{"𠮷𠮷𠮷𠮷", "𠮷𠮷**"},
		{"阿依古丽·买买提", "阿***·买**"},
		{"阿依古丽・买买提", "阿***・买**"},
		{"John Smith", "J*** S****"},
		{"Jean-Luc  Picard", "J***-L**  P*****"},
		{"J. R. Tolkien", "J. R. T******"},
		{"Madonna", "M******"},
		{"Li", "L*"},
		{"张三A", "张**"},
		{"😀", "*"},
		{"😀😀", "😀*"},
		{"👨‍👩‍👧", "👨****"}, // five runes: three people joined by two ZWJ
		{"\xff\xfe", "\uFFFD*"},
	}
	for _, tt := range tests {
		if got := pii.MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"110105194912310021", "110105********0021"},
		{"11010519491231002X", "110105********002X"},
		{" 11010519491231002x\n", "110105********002x"},
		{"110105491231002", "*************02"},
		{"E12345678", "*******78"},
		{"12345", "***45"},
		{"1234", "****"},
		{"1", "*"},
		{"1101051949123100213", "110105*********0213"},
		{"１１０１０５１９４９１２３１００２Ｘ", "１１０１０５********００２Ｘ"},
		{"𠮷𠮷𠮷𠮷𠮷𠮷", "****𠮷𠮷"},
	}
	for _, tt := range tests {
		if got := pii.MaskIDNumber(tt.in); got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"13800138000", "138****8000"},
		{" 13800138000 ", "138****8000"},
		{"+8613800138000", "+86138****8000"},
		{"+86 138 0013 8000", "+86 138 **** 8000"},
		{"+86-138-0013-8000", "+86-138-****-8000"},
		{"+86", "+86"},
		{"+861", "+86*"},
		{"010-62345678", "010-****5678"},
		{"62345678", "****5678"},
		{"1380013", "***0013"},
		{"138001", "******"},
		{"1", "*"},
		{"+14155550123", "+14*****0123"},
		{"138001380001", "138*****0001"},
		{"138abc38000", "138****8000"},
		{"😀😀😀😀😀😀😀", "***😀😀😀😀"},
	}
	for _, tt := range tests {
		if got := pii.MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzMask checks that masking never panics, always returns valid UTF-8, and
// hides at least one character of any value with two or more.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"", "张三", "𠮷野", "11010519491231002X", "+86 138 0013 8000", "J. Smith", "\xff", "·-·"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, mask := range map[string]func(string) string{
			"MaskName": pii.MaskName, "MaskIDNumber": pii.MaskIDNumber, "MaskPhone": pii.MaskPhone,
		} {
			got := mask(s)
			if !utf8.ValidString(got) {
				t.Fatalf("%s(%q) = %q, not valid UTF-8", name, s, got)
			}
			if name != "MaskName" && utf8.RuneCountInString(strings.TrimSpace(s)) >= 2 && got == strings.TrimSpace(s) {
				if name == "MaskPhone" && strings.Trim(s, " -()+86") == "" {
					continue // only separators and the +86 prefix: nothing to hide
				}
				t.Fatalf("%s(%q) hides nothing", name, s)
			}
		}
	})
}
