package codes

import (
	"strings"
	"unicode/utf8"
)

// usccChars is the GB 32100 alphabet; a character's value is its index. I,
// O, Z, S and V are never used.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgCodeWeights are GB 11714's, for the organisation code in characters
// 9–17.
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCodeCheckedDepts are the registration departments (first character)
// whose codes were confirmed to carry a valid GB 11714 organisation code:
// 1 机构编制, 5 民政, 9 市场监管. Union (8) and other departments' codes are
// not checked there, lest a real code be refused.
const orgCodeCheckedDepts = "159"

// nationalRegion is the region part of codes registered by national
// authorities.
const nationalRegion = "100000"

// NormalizeUSCC prepares a typed code for CheckUSCC: white space around it
// is dropped and ASCII letters are upper-cased. Nothing else is changed.
func NormalizeUSCC(s string) string {
	s = strings.TrimSpace(s)
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// USCCCheckChar returns the GB 32100 check character of the first 17
// characters of a unified social credit code.
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fail(ReasonUSCCLength, "统一社会信用代码前17位应为17个字符")
	}
	sum := 0
	for i, w := range usccWeights {
		v := strings.IndexByte(usccChars, first17[i])
		if v < 0 {
			return 0, fail(ReasonUSCCChars, "统一社会信用代码只能由数字和大写字母组成")
		}
		sum += v * w
	}
	return usccChars[(31-sum%31)%31], nil
}

// CheckUSCC checks a unified social credit code (统一社会信用代码, GB 32100)
// in its canonical form (see NormalizeUSCC): 18 characters of the code's
// alphabet, characters 3–8 a region code (CheckRegionCode) or 100000, the
// check character, and for departments 1, 5 and 9 the GB 11714 check of
// characters 9–17.
func CheckUSCC(s string) error {
	if s == "" {
		return fail(ReasonRequired, "请填写统一社会信用代码")
	}
	if n := utf8.RuneCountInString(s); n != 18 {
		return fail(ReasonUSCCLength, "统一社会信用代码应为18位")
	}
	if err := usccAlphabet(s); err != nil {
		return err
	}
	if r := s[2:8]; r != nationalRegion && CheckRegionCode(r) != nil {
		return fail(ReasonUSCCRegion, "统一社会信用代码第3至8位（地区代码）不正确，请核对")
	}
	if c, _ := USCCCheckChar(s[:17]); c != s[17] {
		return fail(ReasonUSCCCheckChar, "统一社会信用代码校验位不正确，请核对")
	}
	if strings.IndexByte(orgCodeCheckedDepts, s[0]) >= 0 && orgCodeCheckChar(s[8:16]) != s[16] {
		return fail(ReasonUSCCOrgCode, "统一社会信用代码第9至17位（组织机构代码）不正确，请核对")
	}
	return nil
}

// usccAlphabet checks that s, of 18 runes, is 18 characters of usccChars,
// naming the most likely slip.
func usccAlphabet(s string) error {
	if len(s) != 18 {
		return fail(ReasonUSCCChars, "统一社会信用代码只能由数字和大写字母组成，请不要用全角字符")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(usccChars, c) >= 0:
		case c >= 'a' && c <= 'z':
			return fail(ReasonUSCCLowercase, "统一社会信用代码中的字母应为大写")
		case strings.IndexByte("IOZSV", c) >= 0:
			return fail(ReasonUSCCForbiddenLetter, "统一社会信用代码中没有字母I、O、Z、S、V，请核对是否为数字1、0、2、5或字母U")
		default:
			return fail(ReasonUSCCChars, "统一社会信用代码只能由数字和大写字母组成")
		}
	}
	return nil
}

// orgCodeCheckChar returns the GB 11714 check character of an eight-character
// organisation code body; letters count A=10 … Z=35.
func orgCodeCheckChar(body string) byte {
	sum := 0
	for i, w := range orgCodeWeights {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * w
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// OrgCodeCheckChar returns the GB 11714 check character of an organisation
// code body: eight digits or upper-case letters (characters 9–16 of a
// unified social credit code), or 0 for anything else.
func OrgCodeCheckChar(body string) byte {
	if len(body) != 8 {
		return 0
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return 0
		}
	}
	return orgCodeCheckChar(body)
}
