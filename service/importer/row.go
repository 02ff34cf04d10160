package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/codes"
)

// record is a row that passed every check, ready to go on the roll.
type record struct {
	person     model.Person
	employment model.Employment
	idNumber   string
	phone      string
	joinedOn   string
}

// cellError is one bad cell of a row.
type cellError struct {
	col column
	msg string
}

// rowChecker checks rows as the form checks an application, on the day
// now falls on in loc.
type rowChecker struct {
	now      time.Time
	loc      *time.Location
	date1904 bool // the workbook counts dates from 1904 (old Mac Excel)
}

// check checks one data row. The ID type is told by the number: 81, 82 and
// 83 are 港澳台居民居住证, anything else a resident ID.
func (rc rowChecker) check(cells []string, l layout) (record, []cellError) {
	var rec record
	var bad []cellError
	add := func(c column, msg string) { bad = append(bad, cellError{c, msg}) }

	rec.person.IDType = codes.IDTypeResident
	if raw := l.cell(cells, colIDNumber); raw == "" {
		add(colIDNumber, "请填写身份证号码")
	} else if id, msg := rc.idNumber(raw); msg != "" {
		add(colIDNumber, msg)
	} else {
		rec.idNumber, rec.person.IDType = id.Number, id.Type
		g, bd := id.Gender, id.BirthDate.Format(time.DateOnly)
		rec.person.Gender, rec.person.BirthDate = &g, &bd
	}
	if name := l.cell(cells, colName); name == "" {
		add(colName, "请填写姓名")
	} else if clean, err := codes.CheckName(name, rec.person.IDType); err != nil {
		add(colName, err.Error())
	} else {
		rec.person.Name = clean
	}
	if p, msg := phone(l.cell(cells, colPhone)); msg != "" {
		add(colPhone, msg)
	} else {
		rec.phone = p
	}

	pick := func(c column, d *codes.Dict) *string {
		v := l.cell(cells, c)
		if v == "" {
			return nil
		}
		e, ok := d.Match(v)
		if !ok {
			add(c, Headers[c]+"“"+clip(v, 20)+"”不在可选范围内，请从下拉列表中选择")
			return nil
		}
		return &e.Name
	}
	rec.person.Ethnicity = pick(colEthnicity, codes.Ethnicity())
	rec.person.Education = pick(colEducation, codes.Education())
	rec.person.PoliticalStatus = pick(colPolitical, codes.PoliticalStatus())
	if rec.person.IDType == codes.IDTypeResident {
		rec.person.HouseholdType = pick(colHousehold, codes.HouseholdType())
	}

	e := &rec.employment
	text := func(c column, max int) *string {
		v := l.cell(cells, c)
		if v == "" {
			return nil
		}
		if utf8.RuneCountInString(v) > max {
			add(c, fmt.Sprintf("%s不能超过%d个字", Headers[c], max))
			return nil
		}
		if err := codes.CheckLine(v, Headers[c]); err != nil {
			add(c, err.Error())
			return nil
		}
		return &v
	}
	e.EmployerName = text(colEmployer, 200)
	e.JobTitle = text(colJobTitle, 100)
	if v := l.cell(cells, colWorkType); v != "" {
		if en, ok := codes.WorkType().Match(v); ok {
			e.WorkType = &en.Code
		} else if en, ok := codes.WorkType().ByCode(v); ok {
			e.WorkType = &en.Code
		} else {
			add(colWorkType, "就业形式应为“稳定就业”或“流动就业”")
		}
	}
	if e.WorkType != nil && *e.WorkType == "stable" && e.EmployerName == nil {
		add(colEmployer, "稳定就业的请填写工作单位")
	}
	yes := func(c column) bool {
		b, ok := yesNo(l.cell(cells, c))
		if !ok {
			add(c, Headers[c]+"请填写“是”或“否”")
		}
		return b
	}
	e.IsMigrantWorker = yes(colMigrant)
	e.IsDispatched = yes(colDispatched)
	if e.IsDispatched {
		if e.DispatchAgencyName = text(colAgency, 200); e.DispatchAgencyName == nil {
			add(colAgency, "劳务派遣人员请填写劳务派遣单位")
		}
	}
	if d, msg := rc.joinedOn(l.cell(cells, colJoinedOn)); msg != "" {
		add(colJoinedOn, msg)
	} else {
		rec.joinedOn = d
	}
	return rec, bad
}

// numberCellID is the message for an ID number that was a number cell.
const numberCellID = "身份证号码列须设置为文本格式：号码被存成了数字格式，18位号码的后几位已丢失。请把这一列设为“文本”格式后重新填写完整的号码"

// idNumber checks an ID number cell. A number cell (Excel keeps 15
// significant digits, so the last digits of an 18-digit number are lost)
// is told apart from a text cell by its raw value: scientific notation or a
// decimal point, or zeros where digits 16 to 18 were.
func (rc rowChecker) idNumber(raw string) (codes.ID, string) {
	idType := codes.IDTypeResident
	if len(raw) >= 2 && (raw[:2] == "81" || raw[:2] == "82" || raw[:2] == "83") {
		idType = codes.IDTypePermit
	}
	id, err := codes.ParseIDNumber(raw, idType, rc.now, rc.loc)
	if err == nil {
		return id, ""
	}
	if lostDigits(raw) {
		return codes.ID{}, numberCellID
	}
	return codes.ID{}, err.Error()
}

// lostDigits reports whether raw is how a number cell holds a long number:
// in scientific notation or with a decimal point, or an integer whose
// digits after the 15th are zeros.
func lostDigits(raw string) bool {
	if strings.ContainsAny(raw, ".eE") {
		_, err := strconv.ParseFloat(raw, 64)
		return err == nil
	}
	if len(raw) < 16 || strings.Trim(raw, "0123456789") != "" {
		return false
	}
	return len(strings.TrimRight(raw, "0")) <= 15
}

// phone normalises and checks a mobile number; a number cell in scientific
// notation (1.3800138E+10) is read back as its digits.
func phone(raw string) (string, string) {
	if raw == "" {
		return "", "请填写手机号码"
	}
	if strings.ContainsAny(raw, "eE.") {
		if f, err := strconv.ParseFloat(raw, 64); err == nil && f == float64(int64(f)) {
			raw = strconv.FormatInt(int64(f), 10)
		}
	}
	p := codes.NormalizePhone(raw)
	if err := codes.CheckPhone(p); err != nil {
		return "", err.Error()
	}
	return p, ""
}

// yesNo reads 是/否 (and Y/N, 1/0, TRUE/FALSE, which a boolean cell gives);
// empty is 否.
func yesNo(v string) (value, ok bool) {
	switch strings.ToUpper(v) {
	case "", "否", "N", "NO", "0", "FALSE":
		return false, true
	case "是", "Y", "YES", "1", "TRUE":
		return true, true
	}
	return false, false
}

// joinedOn reads the join date: empty is today; YYYY-MM-DD (also with / or
// . and one-digit months and days), or an Excel date (a serial number).
// It may not be after today.
func (rc rowChecker) joinedOn(v string) (string, string) {
	today := rc.now.In(rc.loc)
	if v == "" {
		return today.Format(time.DateOnly), ""
	}
	d, ok := rc.parseDate(v)
	if !ok {
		return "", "入会日期格式应为 年-月-日，如 2024-03-01"
	}
	if d.Year() < 1950 {
		return "", "入会日期不正确，请核对"
	}
	if d.Format(time.DateOnly) > today.Format(time.DateOnly) {
		return "", "入会日期不能晚于今天"
	}
	return d.Format(time.DateOnly), ""
}

func (rc rowChecker) parseDate(v string) (time.Time, bool) {
	if serial, err := strconv.ParseFloat(v, 64); err == nil {
		if serial < 1 || serial > 2958465 { // 9999-12-31
			return time.Time{}, false
		}
		t, err := excelize.ExcelDateToTime(serial, rc.date1904)
		return t, err == nil
	}
	if len(v) > 10 && v[10] == 'T' { // an ISO 8601 date cell
		v = v[:10]
	}
	v = strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "").Replace(v)
	t, err := time.Parse("2006-1-2", v)
	return t, err == nil
}

// clip cuts s to at most n characters for a message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
