package codes

import "strings"

// NormalizePhone prepares a typed mobile number for CheckPhone: it drops
// white space and hyphens anywhere, and a leading +86 or 0086 country code.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
	for _, p := range []string{"+86", "0086"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}

// CheckPhone checks a mainland mobile number as stored: 11 ASCII digits
// starting 13 to 19. Input typed by people should go through
// NormalizePhone first.
func CheckPhone(s string) error {
	switch {
	case s == "":
		return fail(ReasonRequired, "请填写手机号码")
	case len(s) != 11 || !allDigits(s):
		return fail(ReasonPhoneFormat, "手机号码应为11位数字")
	case s[0] != '1' || s[1] < '3':
		return fail(ReasonPhonePrefix, "手机号码不正确，请核对")
	}
	return nil
}
