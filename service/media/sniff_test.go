package media

import "testing"

func TestSniff(t *testing.T) {
	tests := []struct {
		name   string
		head   string
		want   string
		wantOK bool
	}{
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", TypeJPEG, true},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", TypePNG, true},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8L", TypeWebP, true},
		{"webp header only", "RIFF\x00\x00\x00\x00WEBP", TypeWebP, true},
		{"gif", "GIF89a\x10\x00\x10\x00", "", false},
		{"wav", "RIFF\x24\x00\x00\x00WAVEfmt ", "", false},
		{"bmp", "BM\x36\x00\x00\x00\x00\x00", "", false},
		{"heic", "\x00\x00\x00\x18ftypheic", "", false},
		{"pdf", "%PDF-1.7\n", "", false},
		{"short jpeg", "\xff\xd8", "", false},
		{"short webp", "RIFF\x00\x00\x00\x00WEB", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Sniff([]byte(tt.head))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Sniff = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
