package pii

import (
	"strings"
	"unicode"
)

// maskRune replaces every hidden character, one per rune.
const maskRune = '*'

// MaskName returns name as shown in lists, hiding all but its start. Leading
// and trailing white space is dropped, then:
//
//   - one character: "*";
//   - a Chinese name of Han characters only: 2 or 3 characters keep the
//     first (张*, 王**), 4 or more keep the first two, which usually are a
//     compound surname (欧阳**);
//   - any other name (Latin, or written with separators such as the middle
//     dot of 阿依古丽·买买提): each word keeps its first character and the
//     separators (white space, · • ・ . -) stay (J*** S****, 阿***·买**).
//
// Characters are runes, so CJK Extension B (𠮷) stays whole; emoji
// sequences of several runes are masked rune by rune.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 1:
		return string(maskRune)
	case allHan(r):
		keep := 1
		if len(r) >= 4 {
			keep = 2
		}
		return maskRunes(r, keep, 0)
	}
	out := make([]rune, len(r))
	for i, c := range r {
		if isNameSeparator(c) || i == 0 || isNameSeparator(r[i-1]) {
			out[i] = c
		} else {
			out[i] = maskRune
		}
	}
	return string(out)
}

// MaskIDNumber returns an ID number as shown in lists. White space around it
// is dropped; 18 or more characters keep the first 6 (the region) and the
// last 4, hiding the birth date (110105********002X); 5 to 17 characters
// (15-digit IDs, passports, permits) keep the last 2; shorter input is
// hidden entirely.
func MaskIDNumber(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch {
	case len(r) >= 18:
		return maskRunes(r, 6, 4)
	case len(r) >= 5:
		return maskRunes(r, 0, 2)
	default:
		return maskRunes(r, 0, 0)
	}
}

// MaskPhone returns a phone number as shown in lists. White space around it
// is dropped and a leading "+86" kept as is. Separators (space, '-', '(',
// ')') are kept and not counted; of the other characters, 11 or more keep
// the first 3 and the last 4 (138****8000, +86 138 **** 8000), 7 to 10 keep
// the last 4, and fewer are hidden entirely.
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	prefix := ""
	if rest, ok := strings.CutPrefix(s, "+86"); ok {
		prefix, s = "+86", rest
	}
	r := []rune(s)
	n := 0
	for _, c := range r {
		if !isPhoneSeparator(c) {
			n++
		}
	}
	head, tail := 0, 0
	switch {
	case n >= 11:
		head, tail = 3, 4
	case n >= 7:
		tail = 4
	}
	out := make([]rune, len(r))
	i := 0 // index among non-separators
	for j, c := range r {
		if isPhoneSeparator(c) {
			out[j] = c
			continue
		}
		if i >= head && i < n-tail {
			c = maskRune
		}
		out[j] = c
		i++
	}
	return prefix + string(out)
}

// maskRunes keeps head runes at the start and tail at the end and hides the
// rest; it hides everything when nothing would be hidden otherwise.
func maskRunes(r []rune, head, tail int) string {
	if head+tail >= len(r) {
		head, tail = 0, 0
	}
	out := make([]rune, len(r))
	for i, c := range r {
		if i < head || i >= len(r)-tail {
			out[i] = c
		} else {
			out[i] = maskRune
		}
	}
	return string(out)
}

func allHan(r []rune) bool {
	for _, c := range r {
		if !unicode.Is(unicode.Han, c) {
			return false
		}
	}
	return true
}

func isNameSeparator(c rune) bool {
	switch c {
	case '·', '•', '・', '‧', '.', '-', '．', '－':
		return true
	}
	return unicode.IsSpace(c)
}

func isPhoneSeparator(c rune) bool {
	return c == ' ' || c == '-' || c == '(' || c == ')'
}
