package codes_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

func TestCheckPhone(t *testing.T) {
	tests := []struct {
		in     string
		reason codes.Reason
	}{
		{"13800138000", ""},
		{"15012345678", ""},
		{"16612345678", ""},
		{"17712345678", ""},
		{"19912345678", ""},
		{"", codes.ReasonRequired},
		{"1380013800", codes.ReasonPhoneFormat},
		{"138001380001", codes.ReasonPhoneFormat},
		{"1380013800a", codes.ReasonPhoneFormat},
		{"138 0013 800", codes.ReasonPhoneFormat},
		{"１３８00138000", codes.ReasonPhoneFormat},
		{"+8613800138", codes.ReasonPhoneFormat},
		{"01088886666", codes.ReasonPhonePrefix}, // a fixed line
		{"12345678901", codes.ReasonPhonePrefix},
		{"11012345678", codes.ReasonPhonePrefix},
		{"23800138000", codes.ReasonPhonePrefix},
	}
	for _, tt := range tests {
		wantReasonFor(t, tt.in, codes.CheckPhone(tt.in), tt.reason)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{" 138-0013-8000 ", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"008613800138000", "13800138000"},
		{"138\u30000013\u30008000", "13800138000"},
		{"abc", "abc"},
	}
	for _, tt := range tests {
		got := codes.NormalizePhone(tt.in)
		if got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
