package codes

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The document types of the form's id_type.
const (
	IDTypeResident = "resident_id"          // 居民身份证, the default
	IDTypePermit   = "hmt_residence_permit" // 港澳台居民居住证
)

// MinAge is the age from which a worker may join a union.
const MinAge = 16

// ID is a checked ID number and what it says about its holder.
type ID struct {
	Type       string    // IDTypeResident or IDTypePermit
	Number     string    // 18 characters, a final X in upper case
	BirthDate  time.Time // the civil date, at midnight UTC: format it, never convert it
	Gender     string    // GenderMale or GenderFemale, from the 17th digit
	RegionCode string    // the first six digits (GB/T 2260, possibly abolished)
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar returns the GB 11643 check character ('0'–'9' or 'X') of the
// first 17 digits of an ID number, or 0 when first17 is not 17 ASCII digits.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 || !allDigits(first17) {
		return 0
	}
	sum := 0
	for i, w := range idWeights {
		sum += int(first17[i]-'0') * w
	}
	return idCheckChars[sum%11]
}

// ParseIDNumber checks an ID number of type idType ("" means
// IDTypeResident) as the form requires it on the day now falls on in loc
// (nil: now's own zone), and returns it normalised with the facts it holds.
// White space around s is dropped and a final x upper-cased.
//
// The checks run in this order, each with its own Reason: type, presence,
// length (ReasonIDOld15 for 15-digit numbers), characters, the first two
// digits, the birth date (a real date from 1900 to today), the check
// character, and last the age of at least MinAge. On ReasonIDUnderAge the
// returned ID is complete, for callers that do not require the age.
func ParseIDNumber(s, idType string, now time.Time, loc *time.Location) (ID, error) {
	kind, noun, err := idKind(idType)
	if err != nil {
		return ID{}, err
	}
	num, err := idChars(strings.TrimSpace(s), kind, noun)
	if err != nil {
		return ID{}, err
	}
	if err := idPrefix(num[:2], kind, noun); err != nil {
		return ID{}, err
	}
	if loc == nil {
		loc = now.Location()
	}
	today := now.In(loc)
	birth, ok := birthDate(num[6:14], today)
	if !ok {
		return ID{}, fail(ReasonIDBirthDate, noun+"中的出生日期不正确")
	}
	if IDCheckChar(num[:17]) != num[17] {
		return ID{}, fail(ReasonIDCheckChar, noun+"校验位不正确，请核对")
	}
	id := ID{Type: kind, Number: num, BirthDate: birth, Gender: GenderFemale, RegionCode: num[:6]}
	if (num[16]-'0')%2 == 1 {
		id.Gender = GenderMale
	}
	if age(birth, today) < MinAge {
		return id, fail(ReasonIDUnderAge, fmt.Sprintf("未满%d周岁，不能入会", MinAge))
	}
	return id, nil
}

// idKind resolves idType and names its number the way the holder calls it.
func idKind(idType string) (kind, noun string, err error) {
	switch idType {
	case "", IDTypeResident:
		return IDTypeResident, "身份证号码", nil
	case IDTypePermit:
		return IDTypePermit, "居住证号码", nil
	}
	return "", "", fail(ReasonIDType, "证件类型不正确，请选择居民身份证或港澳台居民居住证")
}

// idChars checks that s is 17 ASCII digits and a digit or X, and returns it
// with a lower-case x raised.
func idChars(s, kind, noun string) (string, error) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return "", fail(ReasonRequired, "请填写"+noun)
	case n == 15 && allDigits(s) && kind == IDTypeResident:
		return "", fail(ReasonIDOld15, "这是15位的旧身份证号码，请填写18位的新号码")
	case n != 18:
		return "", fail(ReasonIDLength, fmt.Sprintf("%s应为18位，现在是%d位", noun, n))
	case len(s) != 18:
		if strings.ContainsFunc(s, isFullWidthAlnum) {
			return "", fail(ReasonIDChars, noun+"中有全角字符，请用数字键盘重新填写")
		}
		return "", fail(ReasonIDChars, noun+"只能由数字和字母X组成")
	}
	last := s[17]
	if !allDigits(s[:17]) || !(last >= '0' && last <= '9' || last == 'X' || last == 'x') {
		return "", fail(ReasonIDChars, noun+"只能由数字和字母X组成，X只能在最后一位")
	}
	if last == 'x' {
		s = s[:17] + "X"
	}
	return s, nil
}

func isFullWidthAlnum(r rune) bool {
	return r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ'
}

// idPrefix checks the address code's first two digits against the type.
func idPrefix(p, kind, noun string) error {
	if kind == IDTypePermit {
		if !permitPrefixes[p] {
			return fail(ReasonIDPermitPrefix, "港澳台居民居住证号码应以81、82或83开头")
		}
		return nil
	}
	if permitPrefixes[p] {
		return fail(ReasonIDIsPermit, "以81、82、83开头的是港澳台居民居住证号码，请把证件类型改为港澳台居民居住证")
	}
	if _, ok := provinces[p]; !ok {
		return fail(ReasonIDRegion, noun+"前两位（地区代码）不正确，请核对")
	}
	return nil
}
