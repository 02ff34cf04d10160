package application

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/codes"
)

// Form is what the applicant sends (API.md §4). Empty strings and nil are
// fields not filled in yet: a draft may be incomplete, a submission not.
type Form struct {
	OrgID               int64
	Name                string
	IDType              string
	IDNumber            string
	Ethnicity           string
	Education           string
	PoliticalStatus     string
	HouseholdType       string
	Employment          EmploymentForm
	PhotoUploadID       int64
	IDCardFrontUploadID int64
	IDCardBackUploadID  int64
	ProofUploadIDs      []int64
}

// EmploymentForm is the work part of the form.
type EmploymentForm struct {
	EmployerName       string
	JobTitle           string
	HiredOn            string
	WorkType           string
	IsMigrantWorker    *bool
	IsDispatched       *bool
	DispatchAgencyName string
	DispatchAgencyUSCC string
}

// Validate checks a form the way a save (complete false) or a submission
// (complete true) does, without the database: every bad field, each under
// its JSON path with a Chinese message.
func Validate(f Form, complete bool, now time.Time, loc *time.Location) []service.FieldError {
	_, bad := validate(&f, complete, now, loc)
	return bad
}

// checked is a form that passed validation, ready to store.
type checked struct {
	person     model.Person
	employment model.Employment
	idNumber   string // normalised, "" when not given
}

// validate checks every field that is filled in and, when complete is set,
// that every required field is. All problems are reported at once, each
// under its JSON path with a message an older worker understands.
func validate(f *Form, complete bool, now time.Time, loc *time.Location) (checked, []service.FieldError) {
	var bad []service.FieldError
	add := func(field, msg string) { bad = append(bad, service.FieldError{Field: field, Message: msg}) }
	missing := func(field, what string) {
		if complete {
			add(field, "请填写"+what)
		}
	}
	var c checked
	if f.IDType == "" {
		f.IDType = codes.IDTypeResident
	}
	c.person.IDType = f.IDType
	if f.IDType != codes.IDTypeResident && f.IDType != codes.IDTypePermit {
		add("id_type", "证件类型应为居民身份证或港澳台居民居住证")
	}
	if f.OrgID == 0 {
		add("org_id", "请选择要加入的工会")
	}

	if name := strings.TrimSpace(f.Name); name == "" {
		missing("name", "姓名")
	} else if clean, err := codes.CheckName(name, f.IDType); err != nil {
		add("name", err.Error())
	} else {
		c.person.Name = clean
	}

	if strings.TrimSpace(f.IDNumber) == "" {
		missing("id_number", "证件号码")
	} else if id, err := codes.ParseIDNumber(f.IDNumber, f.IDType, now, loc); err != nil {
		add("id_number", err.Error())
	} else {
		c.idNumber = id.Number
		g, bd := id.Gender, id.BirthDate.Format("2006-01-02")
		c.person.Gender, c.person.BirthDate = &g, &bd
	}

	c.person.Ethnicity = pick(f.Ethnicity, codes.Ethnicity(), "ethnicity", "民族", complete, &bad)
	c.person.Education = pick(f.Education, codes.Education(), "education", "学历", complete, &bad)
	c.person.PoliticalStatus = pick(f.PoliticalStatus, codes.PoliticalStatus(), "political_status", "政治面貌", complete, &bad)
	if f.IDType == codes.IDTypeResident {
		c.person.HouseholdType = pick(f.HouseholdType, codes.HouseholdType(), "household_type", "户籍类型", complete, &bad)
	}

	e := f.Employment
	c.employment.EmployerName = text(e.EmployerName, 200, "employment.employer_name", "工作单位", &bad)
	c.employment.JobTitle = text(e.JobTitle, 100, "employment.job_title", "岗位", &bad)
	if e.HiredOn != "" {
		d, err := time.ParseInLocation("2006-01-02", e.HiredOn, loc)
		switch {
		case err != nil:
			add("employment.hired_on", "入职日期格式应为 年-月-日，如 2024-03-01")
		case d.After(now):
			add("employment.hired_on", "入职日期不能晚于今天")
		default:
			c.employment.HiredOn = &e.HiredOn
		}
	}
	switch e.WorkType {
	case "":
		missing("employment.work_type", "就业形式（稳定就业或流动就业）")
	case "stable", "floating":
		wt := e.WorkType
		c.employment.WorkType = &wt
	default:
		add("employment.work_type", "就业形式应为稳定就业（stable）或流动就业（floating）")
	}
	if c.employment.WorkType != nil && *c.employment.WorkType == "stable" && c.employment.EmployerName == nil {
		missing("employment.employer_name", "工作单位")
	}
	c.employment.IsMigrantWorker = e.IsMigrantWorker != nil && *e.IsMigrantWorker
	c.employment.IsDispatched = e.IsDispatched != nil && *e.IsDispatched
	c.employment.DispatchAgencyName = text(e.DispatchAgencyName, 200, "employment.dispatch_agency_name", "劳务派遣单位", &bad)
	if c.employment.IsDispatched && c.employment.DispatchAgencyName == nil {
		missing("employment.dispatch_agency_name", "劳务派遣单位名称")
	}
	if e.DispatchAgencyUSCC != "" {
		u := codes.NormalizeUSCC(e.DispatchAgencyUSCC)
		if err := codes.CheckUSCC(u); err != nil {
			add("employment.dispatch_agency_uscc", err.Error())
		} else {
			c.employment.DispatchAgencyUSCC = &u
		}
	}
	if !c.employment.IsDispatched {
		c.employment.DispatchAgencyName, c.employment.DispatchAgencyUSCC = nil, nil
	}
	if f.PhotoUploadID == 0 {
		missing("photo_upload_id", "本人照片")
	}
	if len(f.ProofUploadIDs) > 5 {
		add("proof_upload_ids", "证明材料最多5份")
	}
	return c, bad
}

// pick maps a list value sent by name to its canonical name.
func pick(v string, d *codes.Dict, field, what string, complete bool, bad *[]service.FieldError) *string {
	v = strings.TrimSpace(v)
	if v == "" {
		if complete {
			*bad = append(*bad, service.FieldError{Field: field, Message: "请选择" + what})
		}
		return nil
	}
	e, ok := d.ByName(v)
	if !ok {
		*bad = append(*bad, service.FieldError{Field: field, Message: what + "不在可选范围内，请从列表中选择"})
		return nil
	}
	return &e.Name
}

func text(v string, max int, field, what string, bad *[]service.FieldError) *string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if utf8.RuneCountInString(v) > max {
		*bad = append(*bad, service.FieldError{Field: field, Message: what + "不能超过" + strconv.Itoa(max) + "个字"})
		return nil
	}
	if err := codes.CheckLine(v, what); err != nil {
		*bad = append(*bad, service.FieldError{Field: field, Message: err.Error()})
		return nil
	}
	return &v
}

// proofList renders proof upload ids as ",1,2," (see model.Application).
func proofList(ids []int64) *string {
	if len(ids) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteByte(',')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	s := b.String()
	return &s
}

// ParseProofList reads the stored proof ids.
func ParseProofList(s *string) []int64 {
	if s == nil {
		return nil
	}
	var out []int64
	for _, p := range strings.Split(strings.Trim(*s, ","), ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}
