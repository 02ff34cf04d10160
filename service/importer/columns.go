package importer

import (
	"strings"
)

// column is one field of the import sheet (API.md §8).
type column int

// The sheet's columns, in the template's order.
const (
	colName column = iota
	colIDNumber
	colPhone
	colEthnicity
	colEducation
	colPolitical
	colHousehold
	colEmployer
	colJobTitle
	colWorkType
	colMigrant
	colDispatched
	colAgency
	colJoinedOn
	numColumns
)

// Headers are the header names of the sheet's columns, in the template's
// order; the first three are required.
var Headers = [numColumns]string{
	"姓名", "身份证号码", "手机号码", "民族", "学历", "政治面貌", "户籍类型",
	"工作单位", "岗位", "就业形式", "是否农民工", "是否劳务派遣", "劳务派遣单位", "入会日期",
}

// required are the columns a sheet must have.
var required = []column{colName, colIDNumber, colPhone}

// headerAliases are other names people give the columns.
var headerAliases = map[string]column{
	"身份证号": colIDNumber, "公民身份号码": colIDNumber, "证件号码": colIDNumber, "身份证": colIDNumber,
	"手机号": colPhone, "手机": colPhone, "联系电话": colPhone,
	"文化程度": colEducation, "户口性质": colHousehold, "户籍性质": colHousehold,
	"单位名称": colEmployer, "职务": colJobTitle, "劳务派遣单位名称": colAgency, "入会时间": colJoinedOn,
}

// layout maps the sheet's columns to their cell positions (-1: absent).
type layout [numColumns]int

// readHeader maps a header row; unknown and repeated headers are ignored
// (the first of a name wins). It returns the required columns missing.
func readHeader(cells []string) (layout, []column) {
	var l layout
	for i := range l {
		l[i] = -1
	}
	for i, raw := range cells {
		c, ok := headerColumn(raw)
		if ok && l[c] < 0 {
			l[c] = i
		}
	}
	var missing []column
	for _, c := range required {
		if l[c] < 0 {
			missing = append(missing, c)
		}
	}
	return l, missing
}

// headerColumn names the column of a header cell. Spaces, a required mark
// (* or ＊) and a note in brackets ("入会日期（年-月-日）") are ignored.
func headerColumn(raw string) (column, bool) {
	h := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u3000', '\n', '\r', '*', '＊':
			return -1
		}
		return r
	}, raw)
	for _, open := range []string{"（", "("} {
		if i := strings.Index(h, open); i > 0 {
			h = h[:i]
		}
	}
	for i, name := range Headers {
		if h == name {
			return column(i), true
		}
	}
	c, ok := headerAliases[h]
	return c, ok
}

// cell returns the value of column c in a row ("" when absent).
func (l layout) cell(row []string, c column) string {
	i := l[c]
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}
