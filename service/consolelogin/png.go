package consolelogin

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg" // WeChat's codes come as JPEG
	"image/png"
	"net/http"
)

// pngDataURL returns the mini-program code as a PNG data URL, as API.md
// §12 promises: getwxacodeunlimit answers "image/jpeg" (whatever the bytes
// are), so a JPEG is re-encoded; a PNG is passed through. contentType is
// what WeChat said; the bytes decide.
func pngDataURL(img []byte, contentType string) (string, error) {
	const prefix = "data:image/png;base64,"
	if http.DetectContentType(img) == "image/png" {
		return prefix + base64.StdEncoding.EncodeToString(img), nil
	}
	decoded, _, err := image.Decode(bytes.NewReader(img))
	if err != nil {
		return "", fmt.Errorf("consolelogin: mini-program code (%s, %d bytes): %w", contentType, len(img), err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, decoded); err != nil {
		return "", fmt.Errorf("consolelogin: encode PNG: %w", err)
	}
	return prefix + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
