package media

import "bytes"

// JPEG marker codes (ITU T.81, table B.1) that stripping looks at.
const (
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mAPP0 = 0xE0
	mAPP1 = 0xE1
	mAPP2 = 0xE2
	mAPPE = 0xEE
	mCOM  = 0xFE
)

// stripJPEG walks the JPEG segments and keeps those needed to decode and
// colour the image: every non-APP segment, JFIF APP0 without its
// thumbnail, ICC_PROFILE APP2 and Adobe APP14. It drops the other APPn
// (EXIF and XMP in APP1, MPF in APP2, IPTC in APP13 …), COM, and anything
// after EOI (where phones append depth maps and second images).
func stripJPEG(b []byte) ([]byte, stripInfo, error) {
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, mSOI)
	var info stripInfo
	i := 2
	for {
		// Skip to the marker: like libjpeg and Go's decoder, tolerate stray
		// bytes between segments (they are dropped), then 0xFF fill bytes.
		for i < len(b) && b[i] != 0xFF {
			i++
		}
		for i < len(b) && b[i] == 0xFF {
			i++
		}
		if i >= len(b) {
			return nil, info, malformed("jpeg: truncated before EOI")
		}
		code := b[i]
		i++
		switch {
		case code == mEOI:
			return append(out, 0xFF, mEOI), info, nil
		case code == 0x01 || (code >= 0xD0 && code <= 0xD7): // TEM, RSTn: no length
			out = append(out, 0xFF, code)
			continue
		case code == 0x00 || code == mSOI:
			return nil, info, malformed("jpeg: unexpected marker %#x at offset %d", code, i-1)
		}
		if len(b)-i < 2 {
			return nil, info, malformed("jpeg: truncated segment header")
		}
		n := int(b[i])<<8 | int(b[i+1])
		if n < 2 || n > len(b)-i {
			return nil, info, malformed("jpeg: segment %#x of length %d overruns the file", code, n)
		}
		seg := b[i+2 : i+n]
		i += n
		out = appendJPEGSegment(out, code, seg, &info)
		if code == mSOS {
			end, ok := scanEnd(b, i)
			if !ok {
				return nil, info, malformed("jpeg: truncated scan")
			}
			out = append(out, b[i:end]...)
			i = end
		}
	}
}

// appendJPEGSegment appends the segment (code, seg) to out if it is kept,
// noting in info what decoding and display need to know about it.
func appendJPEGSegment(out []byte, code byte, seg []byte, info *stripInfo) []byte {
	switch {
	case code == mAPP0:
		// JFIF: keep version, units and density; drop the thumbnail, which
		// may show the photo before it was cropped.
		if len(seg) < 14 || !bytes.HasPrefix(seg, []byte("JFIF\x00")) {
			return out
		}
		jfif := append(append([]byte(nil), seg[:12]...), 0, 0)
		return appendSegment(out, code, jfif)
	case code == mAPP1:
		if info.orientation == 0 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			info.orientation = exifOrientation(seg[6:])
		}
		return out
	case code == mAPP2 && bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")),
		code == mAPPE && bytes.HasPrefix(seg, []byte("Adobe")):
		return appendSegment(out, code, seg)
	case code >= mAPP0 && code <= 0xEF, code == mCOM:
		return out
	case isProgressiveSOF(code):
		info.extraBytesPerPixel = progressiveCost(seg)
	}
	return appendSegment(out, code, seg)
}

func appendSegment(out []byte, code byte, seg []byte) []byte {
	n := len(seg) + 2
	return append(append(out, 0xFF, code, byte(n>>8), byte(n)), seg...)
}

// progressiveCost returns the bytes per pixel a decoder holds for a
// progressive frame with header sof: every DCT coefficient (4 bytes in Go's
// decoder) of every component, until the last scan. Subsampled components
// cost less; a malformed header is charged as three full components.
func progressiveCost(sof []byte) int64 {
	const worst = 4 * 3
	if len(sof) < 6 {
		return worst
	}
	n := int(sof[5])
	if n == 0 || len(sof) < 6+3*n {
		return worst
	}
	var sum, hmax, vmax int64
	for c := range n {
		hv := sof[6+3*c+1]
		h, v := int64(hv>>4), int64(hv&0x0F)
		if h < 1 || h > 4 || v < 1 || v > 4 {
			return worst
		}
		sum += h * v
		hmax, vmax = max(hmax, h), max(vmax, v)
	}
	return (4*sum + hmax*vmax - 1) / (hmax * vmax)
}

func isProgressiveSOF(code byte) bool {
	return code == 0xC2 || code == 0xC6 || code == 0xCA || code == 0xCE
}

// scanEnd returns the offset of the marker that ends the entropy-coded data
// starting at i: the first 0xFF not followed by a stuffed 0x00 or a restart
// marker. ok is false when the data ends first.
func scanEnd(b []byte, i int) (end int, ok bool) {
	for {
		j := bytes.IndexByte(b[i:], 0xFF)
		if j < 0 || i+j+1 >= len(b) {
			return 0, false
		}
		i += j
		if next := b[i+1]; next != 0x00 && (next < 0xD0 || next > 0xD7) {
			return i, true
		}
		i += 2
	}
}
