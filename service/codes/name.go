package codes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The length of a name in characters (runes), after normalisation.
const (
	NameMinLen = 2
	NameMaxLen = 40
)

// middleDot separates the parts of a minority name (阿依古丽·买买提).
const middleDot = '\u00B7'

// middleDotLookalikes are what keyboards and fonts produce for ·: bullet,
// katakana middle dots, hyphenation point, dot and bullet operators, Greek
// ano teleia, word-separator middle dot.
const middleDotLookalikes = "\u2022\u30FB\uFF65\u2027\u22C5\u2219\u0387\u2E31"

// invisibles are zero-width characters that pasted text carries; they are
// dropped.
const invisibles = "\u200B\u200C\u200D\u2060\uFEFF"

// CheckName checks a person's name for a document of type idType ("" means
// IDTypeResident) and returns it normalised.
//
// Normalisation: middle-dot look-alikes (• ・ ‧ ⋅ …) become U+00B7;
// zero-width characters are dropped; white space around the name is
// dropped and inside it each run becomes one ASCII space; full-width Latin
// letters become ASCII; ’ becomes ' and U+2010, U+2011 become -. No Unicode
// normalisation (NFC) is applied, so a compatibility ideograph stays as
// typed. Normalising twice changes nothing.
//
// A name is then 2–40 characters of CJK ideographs (any block, see
// hanBlocks) and · between two other characters. For IDTypePermit it may
// also hold Latin letters, single spaces, - and ', each between two other
// characters. Digits, full stops, emoji and anything else are refused.
func CheckName(name, idType string) (string, error) {
	kind, _, err := idKind(idType)
	if err != nil {
		return "", err
	}
	if !utf8.ValidString(name) {
		return "", fail(ReasonNameChars, "姓名中有无法识别的字符")
	}
	n := normaliseName(name)
	if n == "" {
		return "", fail(ReasonRequired, "请填写姓名")
	}
	if err := nameChars(n, kind == IDTypePermit); err != nil {
		return "", err
	}
	if c := utf8.RuneCountInString(n); c < NameMinLen || c > NameMaxLen {
		return "", fail(ReasonNameLength, "姓名应为2到40个字")
	}
	if err := nameSeparators(n); err != nil {
		return "", err
	}
	return n, nil
}

func normaliseName(name string) string {
	mapped := strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(middleDotLookalikes, r):
			return middleDot
		case unicode.IsSpace(r):
			return ' '
		case strings.ContainsRune(invisibles, r):
			return -1
		case r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ':
			return r - 'Ａ' + 'A'
		case r == '’':
			return '\''
		case r == '‐' || r == '‑':
			return '-'
		}
		return r
	}, name)
	return strings.Join(strings.Fields(mapped), " ")
}

// nameChars refuses any character a name of this kind cannot hold.
func nameChars(n string, permit bool) error {
	for _, r := range n {
		switch {
		case isHan(r), r == middleDot:
		case r == ' ':
			if !permit {
				return fail(ReasonNameSpace, "姓名中不能有空格")
			}
		case unicode.Is(unicode.Latin, r) && unicode.IsLetter(r):
			if !permit {
				return fail(ReasonNameLatin, "姓名请填写汉字，只有港澳台居民居住证的姓名可以用英文字母")
			}
		case r == '-' || r == '\'':
			if !permit {
				return fail(ReasonNameChars, "姓名只能包含汉字和“·”")
			}
		case unicode.IsNumber(r):
			return fail(ReasonNameDigit, "姓名中不能有数字")
		case r == '.' || r == '。' || r == '．':
			return fail(ReasonNameDot, "少数民族姓名中间的点请用“·”")
		default:
			if permit {
				return fail(ReasonNameChars, "姓名只能包含汉字、英文字母、空格和“·”")
			}
			return fail(ReasonNameChars, "姓名只能包含汉字和“·”")
		}
	}
	return nil
}

// nameSeparators requires every separator to stand between two characters
// that are not separators.
func nameSeparators(n string) error {
	r := []rune(n)
	for i, c := range r {
		if !isNameSeparator(c) {
			continue
		}
		if i == 0 || i == len(r)-1 || isNameSeparator(r[i-1]) || isNameSeparator(r[i+1]) {
			if c == middleDot {
				return fail(ReasonNameDot, "姓名中的“·”只能写在两个字之间")
			}
			return fail(ReasonNameDot, "姓名中的空格和符号只能写在两个字之间")
		}
	}
	return nil
}

func isNameSeparator(r rune) bool {
	return r == middleDot || r == ' ' || r == '-' || r == '\''
}
