package fakewechat

import (
	"bytes"
	"crypto/sha256"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strconv"
)

// handleWXACode is POST /wxa/getwxacodeunlimit: a small JPEG whose pattern
// depends on scene and page, or a JSON error.
func (s *Server) handleWXACode(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		Scene string `json:"scene"`
		Page  string `json:"page"`
		Width int    `json:"width"`
	}
	if !decodeBody(w, body, &req) {
		return
	}
	if req.Scene == "" || len(req.Scene) > 32 {
		writeError(w, 40169)
		return
	}
	img := renderCode(req.Scene + "\x00" + req.Page)
	// WeChat sends exactly "image/jpeg"; silenceper's client rejects
	// anything else.
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	_, _ = w.Write(img)
}

// codeSize is the side of the fake code's picture, in pixels: the fake
// ignores the requested width to keep its answers small.
const codeSize = 64

// renderCode draws an 8×8 grid of black and white cells from the hash of s.
func renderCode(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	img := image.NewGray(image.Rect(0, 0, codeSize, codeSize))
	cell := codeSize / 8
	for y := range codeSize {
		for x := range codeSize {
			bit := (y/cell)*8 + x/cell
			c := color.Gray{Y: 255}
			if sum[bit/8]&(1<<(bit%8)) != 0 {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}) // cannot fail on a bytes.Buffer
	return buf.Bytes()
}
