package codes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The reasons CheckLine and CheckText fail with.
const (
	ReasonTextEncoding  Reason = "text_encoding"  // not valid UTF-8
	ReasonTextControl   Reason = "text_control"   // a control character (a line break in a line)
	ReasonTextInvisible Reason = "text_invisible" // a bidi control, zero-width or other format character
	ReasonTextMarkup    Reason = "text_markup"    // < or > in a line
)

// CheckLine checks one line of free text that other people see: a name of
// an org, unit or employer, an address, a title. It refuses what makes the
// text show or act differently from what was typed: invalid UTF-8, control
// characters (C0 with tab, CR and LF, DEL, C1, line and paragraph
// separators), format characters (bidi overrides and isolates, zero-width
// spaces and joiners, BOM, soft hyphen) and < or >, which only markup
// needs. what names the field in the Chinese message ("组织名称").
func CheckLine(s, what string) error {
	return checkText(s, what, false)
}

// CheckText checks a longer free text that other people see: a
// description, a reason. It is CheckLine, except that line breaks (LF, or
// CR LF) and < > are allowed.
func CheckText(s, what string) error {
	return checkText(s, what, true)
}

func checkText(s, what string, multiline bool) error {
	if !utf8.ValidString(s) {
		return fail(ReasonTextEncoding, what+"中有无法识别的字符")
	}
	for i, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' && strings.HasPrefix(s[i+1:], "\n")):
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return fail(ReasonTextControl, what+"不能换行，请写在一行内")
		case unicode.Is(unicode.Cc, r):
			return fail(ReasonTextControl, what+"中有制表符等控制字符，请删除后重新填写")
		case unicode.Is(unicode.Cf, r):
			return fail(ReasonTextInvisible, what+"中有看不见的格式字符（如零宽字符、文字方向控制符），请删除后重新填写")
		case !multiline && (r == '<' || r == '>'):
			return fail(ReasonTextMarkup, what+"不能包含 < 或 > 符号")
		}
	}
	return nil
}
