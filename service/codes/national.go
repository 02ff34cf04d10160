package codes

// The gender values of ID, derived from an ID number.
const (
	GenderMale   = "male"
	GenderFemale = "female"
)

// gender is GB/T 2261.1-2003.
var gender = newDict([]Entry{
	{"0", "未知的性别"}, {"1", "男"}, {"2", "女"}, {"9", "未说明的性别"},
}, dictOptions{})

// changeType and changeReason are the 会籍变化 codes union systems exchange.
var changeType = newDict([]Entry{
	{"1", "入会"}, {"2", "转入"}, {"3", "保留"}, {"4", "转出"}, {"5", "除名"}, {"6", "退会"},
}, dictOptions{})

var changeReason = newDict([]Entry{
	{"1", "劳动（工作）关系发生变化"},
	{"2", "在本单位下岗后待岗"},
	{"3", "失业"},
	{"4", "所在企业破产"},
	{"5", "个人要求退会"},
	{"6", "因犯罪被开除会籍"},
}, dictOptions{})

var employmentStatus = newDict([]Entry{
	{"1", "在岗"}, {"2", "待（下）岗"}, {"3", "失业"}, {"4", "退休"}, {"5", "离休"},
	{"6", "退职"}, {"7", "退养（内退）"}, {"8", "病休"}, {"9", "其他"},
}, dictOptions{})

// eventChangeType maps the membership events that the national system
// knows to its change types; the internal events (restore, suspend, death,
// correction, claim) have none.
var eventChangeType = map[string]string{
	"join": "1", "transfer_in": "2", "retain": "3", "transfer_out": "4", "remove": "5", "leave": "6",
}

// Gender returns the 性别 list (GB/T 2261.1).
func Gender() *Dict { return gender }

// ChangeType returns the 会籍变化类型 list (1 入会 … 6 退会).
func ChangeType() *Dict { return changeType }

// ChangeReason returns the 会籍变化原因 list.
func ChangeReason() *Dict { return changeReason }

// EmploymentStatus returns the 就业状况 list.
func EmploymentStatus() *Dict { return employmentStatus }

// NationalGender returns the GB/T 2261.1 code of an ID's gender: "1" for
// male, "2" for female, and "0" (未知的性别) for anything else.
func NationalGender(g string) string {
	switch g {
	case GenderMale:
		return "1"
	case GenderFemale:
		return "2"
	}
	return "0"
}

// NationalEthnicity returns the GB/T 3304 code of an ethnicity name
// (canonical or alias).
func NationalEthnicity(name string) (string, bool) { return codeOf(ethnicity, name) }

// NationalEducation returns the GB/T 4658 code of an education name.
func NationalEducation(name string) (string, bool) { return codeOf(education, name) }

// NationalPolitical returns the GB/T 4762 code of a political status name.
func NationalPolitical(name string) (string, bool) { return codeOf(political, name) }

// NationalChangeType returns the change type of a membership event: join
// 1, transfer_in 2, retain 3, transfer_out 4, remove 5, leave 6. Other
// events are not reported and give false.
func NationalChangeType(event string) (string, bool) {
	c, ok := eventChangeType[event]
	return c, ok
}

func codeOf(d *Dict, name string) (string, bool) {
	e, ok := d.Match(name)
	return e.Code, ok
}
