package codes

import "errors"

// Reason names why a value failed a check, so a caller can react to a kind
// of failure without parsing the Chinese message.
type Reason string

// The reasons a check can fail with.
const (
	ReasonRequired Reason = "required"  // the value is empty
	ReasonIDType   Reason = "id_type"   // unknown document type
	ReasonIDOld15  Reason = "id_old_15" // a first-generation 15-digit number
	ReasonIDLength Reason = "id_length"
	ReasonIDChars  Reason = "id_chars"  // not 17 digits and a digit or X
	ReasonIDRegion Reason = "id_region" // the first two digits name no province
	// ReasonIDIsPermit: a resident ID starting 81, 82 or 83, which is a permit.
	ReasonIDIsPermit Reason = "id_is_permit"
	// ReasonIDPermitPrefix: a permit not starting 81, 82 or 83.
	ReasonIDPermitPrefix Reason = "id_permit_prefix"
	ReasonIDBirthDate    Reason = "id_birth_date" // not a date, before 1900 or in the future
	ReasonIDCheckChar    Reason = "id_check_char"
	ReasonIDUnderAge     Reason = "id_under_age" // younger than 16

	ReasonUSCCLength    Reason = "uscc_length"
	ReasonUSCCLowercase Reason = "uscc_lowercase"
	// ReasonUSCCForbiddenLetter: one of I, O, Z, S, V, which the code never uses.
	ReasonUSCCForbiddenLetter Reason = "uscc_forbidden_letter"
	ReasonUSCCChars           Reason = "uscc_chars"
	ReasonUSCCRegion          Reason = "uscc_region" // characters 3–8
	ReasonUSCCCheckChar       Reason = "uscc_check_char"
	ReasonUSCCOrgCode         Reason = "uscc_org_code" // characters 9–17 fail GB 11714

	ReasonRegionFormat Reason = "region_format"
	ReasonRegion       Reason = "region" // well-formed but names no region

	ReasonNameLength Reason = "name_length"
	ReasonNameDigit  Reason = "name_digit"
	ReasonNameLatin  Reason = "name_latin" // Latin letters on a resident ID
	ReasonNameSpace  Reason = "name_space" // a space on a resident ID
	ReasonNameDot    Reason = "name_dot"   // a misplaced separator, or a full stop
	ReasonNameChars  Reason = "name_chars" // any other character

	ReasonPhoneFormat Reason = "phone_format" // not 11 digits
	ReasonPhonePrefix Reason = "phone_prefix" // not 13x … 19x
)

// Error is a failed check: why, and a Chinese sentence for the person who
// entered the value.
type Error struct {
	Reason  Reason
	Message string
}

// Error returns the Chinese message.
func (e *Error) Error() string { return e.Message }

func fail(reason Reason, message string) *Error {
	return &Error{Reason: reason, Message: message}
}

// ReasonOf returns the Reason of the *Error that err wraps, or "" when it
// wraps none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
