package media

import "bytes"

// Sniff reports the content type of an image from its first bytes (12 are
// enough): TypeJPEG, TypePNG or TypeWebP by magic number, never by the
// client's Content-Type or file name. ok is false for anything else.
func Sniff(head []byte) (contentType string, ok bool) {
	switch {
	case bytes.HasPrefix(head, jpegMagic):
		return TypeJPEG, true
	case bytes.HasPrefix(head, pngMagic):
		return TypePNG, true
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return TypeWebP, true
	}
	return "", false
}

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
)
