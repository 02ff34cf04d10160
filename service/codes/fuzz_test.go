package codes_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/unionhub/unionhub/service/codes"
)

// fuzzNow is fixed so that a failing input reproduces.
var fuzzNow = time.Date(2026, 7, 15, 12, 0, 0, 0, shanghai)

func idTypeOf(permit bool) string {
	if permit {
		return codes.IDTypePermit
	}
	return codes.IDTypeResident
}

// mustBeCheckError fails t unless err is nil or a *codes.Error with a
// reason and a message.
func mustBeCheckError(t *testing.T, err error) {
	t.Helper()
	var e *codes.Error
	if err != nil && (!errors.As(err, &e) || e.Reason == "" || e.Message == "") {
		t.Fatalf("error %#v is not a complete *codes.Error", err)
	}
}

func FuzzParseIDNumber(f *testing.F) {
	f.Add("11010519491231002X", false)
	f.Add("11010519491231002x", false)
	f.Add(mkID("810000", "19850610", "001"), true)
	f.Add(mkID("320102", "20000229", "456"), false)
	f.Add("110105491231002", false)
	f.Add("１１０１０５１９４９１２３１００２Ｘ", false)
	f.Fuzz(func(t *testing.T, s string, permit bool) {
		idType := idTypeOf(permit)
		id, err := codes.ParseIDNumber(s, idType, fuzzNow, shanghai)
		mustBeCheckError(t, err)
		if err != nil && codes.ReasonOf(err) != codes.ReasonIDUnderAge {
			if id != (codes.ID{}) {
				t.Fatalf("error %v with a non-empty ID %+v", err, id)
			}
			return
		}
		n := id.Number
		if len(n) != 18 || n != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("Number %q from %q", n, s)
		}
		if codes.IDCheckChar(n[:17]) != n[17] {
			t.Fatalf("accepted %q with a wrong check character", n)
		}
		if id.Type != idType || id.RegionCode != n[:6] || id.BirthDate.Format("20060102") != n[6:14] {
			t.Fatalf("ID %+v does not match its number", id)
		}
		if male := (n[16]-'0')%2 == 1; male != (id.Gender == codes.GenderMale) || (!male && id.Gender != codes.GenderFemale) {
			t.Fatalf("gender %q from digit %c", id.Gender, n[16])
		}
		again, err2 := codes.ParseIDNumber(n, idType, fuzzNow, shanghai)
		if again != id || codes.ReasonOf(err2) != codes.ReasonOf(err) {
			t.Fatalf("re-parsing %q gave %+v, %v; first %+v, %v", n, again, err2, id, err)
		}
	})
}

func FuzzCheckUSCC(f *testing.F) {
	for _, c := range publishedUSCCs[:5] {
		f.Add(c)
	}
	f.Add("91350503ma31dky80a")
	f.Add("91350203M0001QKT19")
	f.Add("91350503MA3IDKY80A")
	f.Fuzz(func(t *testing.T, s string) {
		err := codes.CheckUSCC(s)
		mustBeCheckError(t, err)
		norm := codes.NormalizeUSCC(s)
		if codes.NormalizeUSCC(norm) != norm {
			t.Fatalf("NormalizeUSCC not idempotent on %q", s)
		}
		if err != nil {
			return
		}
		if norm != s {
			t.Fatalf("accepted %q, which normalises to %q", s, norm)
		}
		if c, err := codes.USCCCheckChar(s[:17]); err != nil || c != s[17] {
			t.Fatalf("accepted %q; USCCCheckChar gives %q, %v", s, c, err)
		}
		if codes.CheckRegionCode(s[2:8]) != nil && s[2:8] != "100000" {
			t.Fatalf("accepted %q with region %q", s, s[2:8])
		}
	})
}

func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"张三", "阿依古丽·买买提", "阿依古丽•买买提", "𠮷野家", "李𬌗", " John  Smith ", "张3", "·张三", "Ｊｏｈｎ"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, name string, permit bool) {
		idType := idTypeOf(permit)
		got, err := codes.CheckName(name, idType)
		mustBeCheckError(t, err)
		if err != nil {
			if got != "" {
				t.Fatalf("error %v with name %q", err, got)
			}
			return
		}
		if !utf8.ValidString(got) || strings.TrimSpace(got) != got {
			t.Fatalf("accepted %q as %q", name, got)
		}
		if n := utf8.RuneCountInString(got); n < codes.NameMinLen || n > codes.NameMaxLen {
			t.Fatalf("accepted %q of %d characters", got, n)
		}
		again, err := codes.CheckName(got, idType)
		if err != nil || again != got {
			t.Fatalf("normalised %q to %q, which re-checks as %q, %v", name, got, again, err)
		}
		if !permit {
			if alsoPermit, err := codes.CheckName(got, codes.IDTypePermit); err != nil || alsoPermit != got {
				t.Fatalf("resident name %q refused for a permit: %v", got, err)
			}
		}
	})
}
