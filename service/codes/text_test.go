package codes_test

import (
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

func TestCheckLineAndText(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		line, text codes.Reason // "" accepted
	}{
		{"plain", "武汉光谷制造有限公司工会", "", ""},
		{"latin, digits, punctuation", "ACME (Wuhan) Co., Ltd. 3号楼 #2-101 “A&B”", "", ""},
		{"ideographic space and middle dot", "阿依古丽·买买提　工会", "", ""},
		{"emoji", "职工之家😀", "", ""},
		{"LF", "工会\n<script>", codes.ReasonTextControl, ""},
		{"CR LF", "第一行\r\n第二行", codes.ReasonTextControl, ""},
		{"lone CR", "第一行\r第二行", codes.ReasonTextControl, codes.ReasonTextControl},
		{"CR at the end", "第一行\r", codes.ReasonTextControl, codes.ReasonTextControl},
		{"tab", "工\t会", codes.ReasonTextControl, codes.ReasonTextControl},
		{"NUL", "工会\x00", codes.ReasonTextControl, codes.ReasonTextControl},
		{"ESC", "\x1b[31m工会", codes.ReasonTextControl, codes.ReasonTextControl},
		{"DEL", "工会\x7f", codes.ReasonTextControl, codes.ReasonTextControl},
		{"C1 NEL", "工会\u0085", codes.ReasonTextControl, codes.ReasonTextControl},
		{"C1 CSI", "工会\u009b", codes.ReasonTextControl, codes.ReasonTextControl},
		{"line separator", "工会\u2028", codes.ReasonTextControl, codes.ReasonTextControl},
		{"paragraph separator", "工会\u2029", codes.ReasonTextControl, codes.ReasonTextControl},
		{"right-to-left override", "工会\u202egpj.exe", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"left-to-right embedding", "\u202a工会", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"first strong isolate", "工会\u2068", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"right-to-left mark", "工会\u200f", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"arabic letter mark", "工会\u061c", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"zero-width space", "工\u200b会", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"zero-width joiner", "工\u200d会", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"word joiner", "工\u2060会", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"BOM", "\ufeff工会", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"soft hyphen", "工\u00ad会", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"tag character", "工会\U000E0041", codes.ReasonTextInvisible, codes.ReasonTextInvisible},
		{"html", "<b>工会</b>", codes.ReasonTextMarkup, ""},
		{"greater than", "满100>减10", codes.ReasonTextMarkup, ""},
		{"invalid UTF-8", "工会\xff", codes.ReasonTextEncoding, codes.ReasonTextEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				check func(string, string) error
				want  codes.Reason
				kind  string
			}{{codes.CheckLine, tt.line, "CheckLine"}, {codes.CheckText, tt.text, "CheckText"}} {
				err := c.check(tt.in, "组织名称")
				if got := codes.ReasonOf(err); got != c.want {
					t.Errorf("%s(%q) = %v (%s), want %q", c.kind, tt.in, err, got, c.want)
				}
				if err != nil && !strings.HasPrefix(err.Error(), "组织名称") {
					t.Errorf("%s message %q does not name the field", c.kind, err)
				}
			}
		})
	}
}
