package codes_test

import (
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

func TestCheckName(t *testing.T) {
	const (
		res    = codes.IDTypeResident
		permit = codes.IDTypePermit
	)
	tests := []struct {
		name   string
		in     string
		idType string
		want   string // when reason is ""
		reason codes.Reason
	}{
		{"two Han characters", "张三", res, "张三", ""},
		{"default type", "张三", "", "张三", ""},
		{"compound surname", "欧阳娜娜", res, "欧阳娜娜", ""},
		{"minority name with middle dot", "阿依古丽·买买提", res, "阿依古丽·买买提", ""},
		{"several parts", "爱新觉罗·启功·元白", res, "爱新觉罗·启功·元白", ""},
		{"Extension B", "𠮷野家", res, "𠮷野家", ""},
		{"Extension E", "李𬌗", res, "李𬌗", ""},
		{"Extension A", "㐀三", res, "㐀三", ""},
		{"compatibility ideograph kept as typed", "\uF900三", res, "\uF900三", ""},
		{"spaces around, full-width too", " \u3000张三\t", res, "张三", ""},
		{"bullet becomes middle dot", "阿依古丽•买买提", res, "阿依古丽·买买提", ""},
		{"katakana middle dot becomes middle dot", "阿依古丽・买买提", res, "阿依古丽·买买提", ""},
		{"hyphenation point becomes middle dot", "阿依古丽‧买买提", res, "阿依古丽·买买提", ""},
		{"Greek ano teleia becomes middle dot", "阿依古丽\u0387买买提", res, "阿依古丽·买买提", ""},
		{"zero-width space dropped", "张\u200b三", res, "张三", ""},
		{"40 characters", strings.Repeat("张", 40), res, strings.Repeat("张", 40), ""},
		{"Latin name on a permit", "John Smith", permit, "John Smith", ""},
		{"Chinese name on a permit", "陈大文", permit, "陈大文", ""},
		{"both on a permit", "陈大文 Chan Tai Man", permit, "陈大文 Chan Tai Man", ""},
		{"spaces collapsed on a permit", "  John   Smith ", permit, "John Smith", ""},
		{"full-width Latin on a permit", "Ｊｏｈｎ\u3000Ｓｍｉｔｈ", permit, "John Smith", ""},
		{"hyphen and apostrophe on a permit", "Mary-Jane O’Brien", permit, "Mary-Jane O'Brien", ""},
		{"accented Latin on a permit", "José Lúcio", permit, "José Lúcio", ""},
		{"two letters on a permit", "Li", permit, "Li", ""},

		{"unknown type", "张三", "passport", "", codes.ReasonIDType},
		{"empty", "", res, "", codes.ReasonRequired},
		{"blank", " \u3000 ", res, "", codes.ReasonRequired},
		{"only invisible", "\u200b", res, "", codes.ReasonRequired},
		{"one character", "李", res, "", codes.ReasonNameLength},
		{"one letter on a permit", "J", permit, "", codes.ReasonNameLength},
		{"41 characters", strings.Repeat("张", 41), res, "", codes.ReasonNameLength},
		{"41 characters on a permit", strings.Repeat("a", 41), permit, "", codes.ReasonNameLength},
		{"digit", "张3", res, "", codes.ReasonNameDigit},
		{"full-width digit", "张３", res, "", codes.ReasonNameDigit},
		{"digit on a permit", "John Smith 2", permit, "", codes.ReasonNameDigit},
		{"Latin on a resident ID", "John Smith", res, "", codes.ReasonNameLatin},
		{"mixed Latin on a resident ID", "张San", res, "", codes.ReasonNameLatin},
		{"space on a resident ID", "张 三", res, "", codes.ReasonNameSpace},
		{"hyphen on a resident ID", "张三-李四", res, "", codes.ReasonNameChars},
		{"emoji", "张三😀", res, "", codes.ReasonNameChars},
		{"emoji on a permit", "John😀", permit, "", codes.ReasonNameChars},
		{"radical", "⺮三", res, "", codes.ReasonNameChars},
		{"ideographic zero is a digit", "王〇", res, "", codes.ReasonNameDigit},
		{"private use", "\uE000三", res, "", codes.ReasonNameChars},
		{"hangul", "김철수", res, "", codes.ReasonNameChars},
		{"punctuation", "张三！", res, "", codes.ReasonNameChars},
		{"invalid UTF-8", "张\xff三", res, "", codes.ReasonNameChars},
		{"full stop instead of middle dot", "阿依古丽.买买提", res, "", codes.ReasonNameDot},
		{"full-width full stop", "阿依古丽．买买提", res, "", codes.ReasonNameDot},
		{"leading middle dot", "·张三", res, "", codes.ReasonNameDot},
		{"trailing middle dot", "张三·", res, "", codes.ReasonNameDot},
		{"double middle dot", "阿依古丽··买买提", res, "", codes.ReasonNameDot},
		{"dot look-alikes doubled", "阿依古丽•・买买提", res, "", codes.ReasonNameDot},
		{"middle dot next to a space", "Anna · Lee", permit, "", codes.ReasonNameDot},
		{"leading hyphen", "-Anna", permit, "", codes.ReasonNameDot},
		{"trailing apostrophe", "O'", permit, "", codes.ReasonNameDot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codes.CheckName(tt.in, tt.idType)
			wantReason(t, err, tt.reason)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
