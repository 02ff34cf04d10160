package media

import "encoding/binary"

// stripPNG copies the PNG chunks that decoding and colour need, whole and
// with their CRCs, and drops the rest: text (tEXt, zTXt, iTXt), eXIf,
// tIME, animation and private chunks, and anything after IEND. An unknown
// critical chunk makes the file undecodable, as the PNG spec requires.
func stripPNG(b []byte) ([]byte, stripInfo, error) {
	out := make([]byte, 0, len(b))
	out = append(out, pngMagic...)
	var info stripInfo
	for i := len(pngMagic); ; {
		if len(b)-i < 12 {
			return nil, info, malformed("png: truncated before IEND")
		}
		n := binary.BigEndian.Uint32(b[i:])
		if n > 1<<31-1 || uint64(n) > uint64(len(b)-i-12) {
			return nil, info, malformed("png: chunk of length %d overruns the file", n)
		}
		typ := string(b[i+4 : i+8])
		chunk := b[i : i+12+int(n)]
		i += len(chunk)
		switch {
		case keepPNG(typ):
			if typ == "IHDR" && n == 13 && chunk[8+12] != 0 {
				// Adam7: the decoder builds each pass, then the image.
				info.extraBytesPerPixel = 8
			}
			out = append(out, chunk...)
			if typ == "IEND" {
				return out, info, nil
			}
		case typ == "eXIf":
			if info.orientation == 0 {
				info.orientation = exifOrientation(chunk[8 : 8+n])
			}
		case typ[0]&0x20 == 0: // upper-case first letter: critical
			return nil, info, malformed("png: unknown critical chunk %q", typ)
		}
	}
}

// keepPNG reports whether a chunk type survives stripping: the critical
// chunks and the ancillary ones that say how to show the pixels.
func keepPNG(typ string) bool {
	switch typ {
	case "IHDR", "PLTE", "IDAT", "IEND",
		"tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "cICP", "bKGD", "hIST", "pHYs":
		return true
	}
	return false
}
