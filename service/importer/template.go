package importer

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/service/codes"
)

// TemplateFilename is the name the template is served under.
const TemplateFilename = "会员导入模板.xlsx"

// TemplateContentType is the template's media type.
const TemplateContentType = xlsxType

// The template's sheets: the data, and the hidden lists its drop-downs
// draw from (the 57 ethnicities pass the 255-character limit of a list
// typed into a validation).
const (
	dataSheet  = "会员信息"
	listsSheet = "选项"
)

// sample is the template's example row. A row equal to it (same name and
// ID number) is reported, not imported, in case it is left in the sheet.
var sample = [numColumns]string{
	"张三", sampleID, "13800138000", "汉族", "大学本科", "群众", "农业户口",
	"武汉光谷制造有限公司", "装配工", "流动就业", "是", "是", "武汉人力派遣有限公司", "2024-03-01",
}

// sampleID is a well-formed ID number that names nobody real.
var sampleID = "11010519491231002" + string(codes.IDCheckChar("11010519491231002"))

// dropDowns are the columns with a list to pick from.
var dropDowns = []struct {
	col     column
	entries func() []string
}{
	{colEthnicity, func() []string { return names(codes.Ethnicity()) }},
	{colEducation, func() []string { return names(codes.Education()) }},
	{colPolitical, func() []string { return names(codes.PoliticalStatus()) }},
	{colHousehold, func() []string { return names(codes.HouseholdType()) }},
	{colWorkType, func() []string { return names(codes.WorkType()) }},
	{colMigrant, func() []string { return []string{"是", "否"} }},
	{colDispatched, func() []string { return []string{"是", "否"} }},
}

func names(d *codes.Dict) []string {
	var out []string
	for _, e := range d.Entries() {
		out = append(out, e.Name)
	}
	return out
}

// Template returns the import template: the header row, the ID-number and
// phone columns formatted as text (so Excel keeps every digit), a date
// format on the join date, an example row, and drop-downs for the list
// columns.
func Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", dataSheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(listsSheet); err != nil {
		return nil, err
	}
	if err := layoutTemplate(f); err != nil {
		return nil, err
	}
	for i, d := range dropDowns {
		listCol, _ := excelize.ColumnNumberToName(i + 1)
		entries := d.entries()
		for k, e := range entries {
			if err := f.SetCellStr(listsSheet, fmt.Sprintf("%s%d", listCol, k+1), e); err != nil {
				return nil, err
			}
		}
		dataCol := letter(d.col)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s1048576", dataCol, dataCol)
		dv.SetSqrefDropList(fmt.Sprintf("%s!$%s$1:$%s$%d", listsSheet, listCol, listCol, len(entries)))
		dv.SetError(excelize.DataValidationErrorStyleStop, "输入有误", "请从下拉列表中选择"+Headers[d.col])
		if err := f.AddDataValidation(dataSheet, dv); err != nil {
			return nil, err
		}
	}
	if err := f.SetSheetVisible(listsSheet, false); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// layoutTemplate writes the header, the example row and the column formats.
func layoutTemplate(f *excelize.File) error {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	for c := range numColumns {
		name := letter(c)
		if err := f.SetColWidth(dataSheet, name, name, 16); err != nil {
			return err
		}
		style := text
		if c == colJoinedOn {
			style = date
		}
		if err := f.SetColStyle(dataSheet, name, style); err != nil {
			return err
		}
		header := Headers[c]
		for _, r := range required {
			if r == c {
				header += "*"
			}
		}
		if err := f.SetCellStr(dataSheet, name+"1", header); err != nil {
			return err
		}
		if err := f.SetCellStyle(dataSheet, name+"1", name+"1", bold); err != nil {
			return err
		}
		if err := f.SetCellStr(dataSheet, name+"2", sample[c]); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(dataSheet, letter(colIDNumber), letter(colIDNumber), 22); err != nil {
		return err
	}
	if err := f.AddComment(dataSheet, excelize.Comment{Cell: "A1", Author: "UnionHub",
		Text: "带*的列必填。第2行是示例，导入前请删除。身份证号码和手机号码列已设为文本格式，请勿改为数字格式；入会日期不填则为导入当天。"}); err != nil {
		return err
	}
	return f.SetPanes(dataSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// letter is the letter of the template's column c.
func letter(c column) string {
	n, _ := excelize.ColumnNumberToName(int(c) + 1)
	return n
}
