package xlsx

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// guard passes an XML stream through, failing once one token would hold
// more than max bytes, so that xml.Decoder, which buffers each token
// whole, never holds more: a run of bytes without '<' (text, or a tag with
// its attributes, since '<' may not appear in either) and a comment, CDATA
// section, processing instruction or directive from its "<!" or "<?" to its
// end ("-->", "]]>", "?>"; a directive, which Excel never writes, counts
// until one of those).
type guard struct {
	r     io.Reader
	max   int
	run   int
	state int
	tail  [2]byte
}

const (
	inText = iota
	afterLT
	inSpecial
)

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		g.run++
		switch g.state {
		case inText:
			if c == '<' {
				g.state, g.run = afterLT, 1
			}
		case afterLT:
			switch c {
			case '!', '?':
				g.state, g.tail = inSpecial, [2]byte{}
			case '<':
				g.run = 1
			default:
				g.state = inText
			}
		case inSpecial:
			if c == '>' && (g.tail == [2]byte{'-', '-'} || g.tail == [2]byte{']', ']'} || g.tail[1] == '?') {
				g.state, g.run = inText, 0
			}
			g.tail = [2]byte{g.tail[1], c}
		}
		if g.run > g.max {
			return i, errTokenTooLong
		}
	}
	return n, err
}

var errTokenTooLong = &LimitError{fmt.Sprintf("文件中有超过%d个字符的单元格（Excel 单元格的上限），无法导入", MaxCellChars)}

// startElement is a start tag.
type startElement = xml.StartElement

// decoder reads tokens, bounding the nesting depth.
type decoder struct {
	d     *xml.Decoder
	depth int
}

func newDecoder(r io.Reader) *decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	return &decoder{d: d}
}

// token returns the next token (copied only as far as xml.Decoder does:
// CharData is valid until the next call); io.EOF at the end.
func (d *decoder) token() (xml.Token, error) {
	tok, err := d.d.Token()
	if err != nil {
		var le *LimitError
		if errors.Is(err, io.EOF) || errors.As(err, &le) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	switch tok.(type) {
	case xml.StartElement:
		if d.depth++; d.depth > maxDepth {
			return nil, fmt.Errorf("%w: elements nested deeper than %d", ErrFormat, maxDepth)
		}
	case xml.EndElement:
		d.depth--
	}
	return tok, nil
}

// attr returns the value of the attribute with local name, or "".
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
