package xlsx

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cellBytes bounds a cell's text in bytes while it is gathered: Excel's
// characters in UTF-8 (at most four bytes each).
const cellBytes = 4 * MaxCellChars

// readText gathers the text of a string item (<si> or <is>) whose start
// tag was just read: the <t> elements, directly or in runs (<r>), not the
// phonetic guides (<rPh>), until the item's end tag.
func readText(d *decoder, buf []byte) ([]byte, error) {
	depth, inT, phonetic := 1, false, 0
	for depth > 0 {
		tok, err := d.token()
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "t":
				inT = true
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if inT && phonetic == 0 {
				if len(buf)+len(t) > cellBytes {
					return nil, errCellTooLong
				}
				buf = append(buf, t...)
			}
		}
	}
	return buf, nil
}

// readValue gathers the text of an element (<v>, <t>) until its end tag.
func readValue(d *decoder, buf []byte) ([]byte, error) {
	for depth := 1; depth > 0; {
		tok, err := d.token()
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if len(buf)+len(t) > cellBytes {
				return nil, errCellTooLong
			}
			buf = append(buf, t...)
		}
	}
	return buf, nil
}

var errCellTooLong = &LimitError{fmt.Sprintf("文件中有超过%d个字符的单元格（Excel 单元格的上限），无法导入", MaxCellChars)}

// checkCell refuses text over Excel's limit of characters.
func checkCell(s []byte) error {
	if len(s) > MaxCellChars && utf8.RuneCount(s) > MaxCellChars {
		return errCellTooLong
	}
	return nil
}

// unescape decodes the _xHHHH_ escapes with which Excel writes characters
// XML cannot hold (_x000D_ is a carriage return, _x005F_ an underscore).
func unescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(v))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// sharedStrings is the workbook's table of strings, held compactly: the
// texts end to end and where each ends.
type sharedStrings struct {
	text []byte
	ends []uint32
}

func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return unescape(string(s.text[start:s.ends[i]])), true
}

// readSharedStrings loads the shared-string part within the limits.
func (b *Book) readSharedStrings(name string) (*sharedStrings, error) {
	s := &sharedStrings{}
	var buf []byte
	tooMany := &LimitError{fmt.Sprintf("文件中的文字太多（超过%d万条或%dMB），请分成几个文件导入",
		b.lim.SharedStrings/10_000, b.lim.SharedBytes>>20)}
	err := b.walk(name, func(d *decoder, se startElement) error {
		if se.Name.Local != "si" {
			return nil
		}
		if len(s.ends) >= b.lim.SharedStrings {
			return tooMany
		}
		var err error
		if buf, err = readText(d, buf[:0]); err != nil {
			return err
		}
		if err := checkCell(buf); err != nil {
			return err
		}
		if len(s.text)+len(buf) > b.lim.SharedBytes {
			return tooMany
		}
		s.text = append(s.text, buf...)
		s.ends = append(s.ends, uint32(len(s.text)))
		return nil
	})
	return s, err
}
