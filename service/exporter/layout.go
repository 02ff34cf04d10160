package exporter

import (
	"strings"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/codes"
)

// member is one row's data: the record in clear and its union.
type member struct {
	m        *model.Member
	union    *model.Org
	idNumber string
	phone    string
	event    *model.MembershipEvent // the change that describes the member now (rollEvent)
}

// rosterHeader is the xlsx and csv layout. Its names are the import
// sheet's where they overlap, so an export imports back (adding nobody
// already on the roll).
var rosterHeader = []string{
	"会员编号", "所属工会", "姓名", "性别", "出生日期", "证件类型", "身份证号码", "手机号码",
	"民族", "学历", "政治面貌", "户籍类型", "工作单位", "岗位", "入职日期", "就业形式",
	"是否农民工", "是否劳务派遣", "劳务派遣单位", "劳务派遣单位统一社会信用代码", "入会日期", "会籍状态",
}

func rosterRow(r member) []string {
	m := r.m
	gender := ""
	if m.Gender != nil {
		gender = map[string]string{codes.GenderMale: "男", codes.GenderFemale: "女"}[*m.Gender]
	}
	workType := ""
	if m.WorkType != nil {
		if e, ok := codes.WorkType().ByCode(*m.WorkType); ok {
			workType = e.Name
		}
	}
	status, _ := codes.MemberStatus().ByCode(m.Status)
	return []string{
		m.MemberNo, r.union.Name, m.Name, gender, str(m.BirthDate), idTypeName(m.IDType), r.idNumber, r.phone,
		str(m.Ethnicity), str(m.Education), str(m.PoliticalStatus), str(m.HouseholdType),
		str(m.EmployerName), str(m.JobTitle), str(m.HiredOn), workType,
		yesNo(m.IsMigrantWorker, "是", "否"), yesNo(m.IsDispatched, "是", "否"),
		str(m.DispatchAgencyName), str(m.DispatchAgencyUSCC), m.JoinedOn, status.Name,
	}
}

// nationalHeader is the national layout; docs/national-export.md gives
// each column's codes.
var nationalHeader = []string{
	"会员编号", "姓名", "性别代码", "出生日期", "民族代码", "证件类型", "证件号码", "学历代码", "政治面貌代码",
	"户籍类型", "手机号码", "工作单位", "岗位", "就业形式", "是否农民工", "是否劳务派遣",
	"劳务派遣单位名称", "劳务派遣单位统一社会信用代码", "入会日期", "会籍变化类型", "会籍变化日期",
	"所属工会名称", "所属工会统一社会信用代码", "所属工会行政区划代码",
}

func nationalRow(r member, loc dateFormatter) []string {
	m := r.m
	gender := codes.NationalGender(str(m.Gender))
	ethnicity, _ := codes.NationalEthnicity(str(m.Ethnicity))
	education, _ := codes.NationalEducation(str(m.Education))
	political, _ := codes.NationalPolitical(str(m.PoliticalStatus))
	workType := ""
	if m.WorkType != nil {
		if e, ok := codes.WorkType().ByCode(*m.WorkType); ok {
			workType = e.Name
		}
	}
	change, changedOn := "1", compact(m.JoinedOn)
	if m.Status == model.MemberRetained {
		change = "3"
	}
	if r.event != nil {
		change, changedOn = *r.event.NationalCode, loc(r.event)
	}
	return []string{
		m.MemberNo, m.Name, gender, compact(str(m.BirthDate)), ethnicity, idTypeName(m.IDType), r.idNumber,
		education, political, str(m.HouseholdType), r.phone, str(m.EmployerName), str(m.JobTitle), workType,
		yesNo(m.IsMigrantWorker, "1", "0"), yesNo(m.IsDispatched, "1", "0"),
		str(m.DispatchAgencyName), str(m.DispatchAgencyUSCC), compact(m.JoinedOn), change, changedOn,
		r.union.Name, str(r.union.USCC), r.union.RegionCode,
	}
}

// onRollChanges are the change types that can describe a member on the
// roll: 1 入会, 2 转入 (how they came), 3 保留 (retained).
var onRollChanges = []string{"1", "2", "3"}

// rollEvent picks the change that describes m now: for a retained member
// the latest 3 保留; for any other the later of its latest 1 入会 and 2 转入
// (a member restored from 保留 is described by how it joined again, not by
// the 保留 it left). nil when there is none.
func rollEvent(m *model.Member, evs map[string]model.MembershipEvent) *model.MembershipEvent {
	pick := []string{"1", "2"}
	if m.Status == model.MemberRetained {
		pick = []string{"3"}
	}
	var out *model.MembershipEvent
	for _, c := range pick {
		if e, ok := evs[c]; ok && (out == nil || e.CreatedAt.After(out.CreatedAt)) {
			out = &e
		}
	}
	return out
}

// dateFormatter renders an event's date (YYYYMMDD) in the business zone.
type dateFormatter func(e *model.MembershipEvent) string

func idTypeName(t string) string {
	if t == codes.IDTypePermit {
		return "港澳台居民居住证"
	}
	return "居民身份证"
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// compact turns YYYY-MM-DD into YYYYMMDD, the national systems' dates.
func compact(d string) string { return strings.ReplaceAll(d, "-", "") }

// escape keeps a spreadsheet from running a cell as a formula (CSV
// injection): a value starting with = + - @, a tab or a carriage return is
// prefixed with an apostrophe.
func escape(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
