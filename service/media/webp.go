package media

import (
	"encoding/binary"
	"fmt"
)

// VP8X feature flags (WebP container spec).
const (
	vp8xAnimation = 1 << 1
	vp8xXMP       = 1 << 2
	vp8xEXIF      = 1 << 3
)

// stripWebP rebuilds the RIFF container from the chunks that carry the
// image (VP8X, VP8, VP8L, ALPH, ICCP), dropping EXIF, XMP and unknown
// chunks, clearing the EXIF and XMP flags in VP8X and fixing the RIFF size.
// Animated WebP is refused: the decoder cannot check its frames.
func stripWebP(b []byte) ([]byte, stripInfo, error) {
	var info stripInfo
	size := binary.LittleEndian.Uint32(b[4:8])
	if size < 4 || uint64(size) > uint64(len(b)-8) {
		return nil, info, malformed("webp: RIFF size %d does not fit the file", size)
	}
	body := b[12 : 8+size] // anything after the RIFF chunk is dropped
	out := make([]byte, 12, len(b))
	copy(out, "RIFF\x00\x00\x00\x00WEBP")
	for first := true; len(body) > 0; first = false {
		if len(body) < 8 {
			return nil, info, malformed("webp: truncated chunk header")
		}
		fourcc := string(body[:4])
		n := binary.LittleEndian.Uint32(body[4:8])
		if uint64(n) > uint64(len(body)-8) {
			return nil, info, malformed("webp: chunk %q of length %d overruns the file", fourcc, n)
		}
		data := body[8 : 8+n]
		// Chunks are padded to even length; a writer that omits the last
		// pad byte is forgiven, since the copy adds it back.
		body = body[min(len(body), 8+int(n)+int(n&1)):]
		switch fourcc {
		case "VP8X":
			if !first || n != 10 {
				return nil, info, malformed("webp: misplaced or malformed VP8X chunk")
			}
			if data[0]&vp8xAnimation != 0 {
				return nil, info, fmt.Errorf("%w: animated WebP", ErrUnsupported)
			}
			x := append([]byte(nil), data...)
			x[0] &^= vp8xEXIF | vp8xXMP
			out = appendRIFFChunk(out, fourcc, x)
		case "VP8L":
			info.extraBytesPerPixel = 4 // the decoder's ARGB buffer
			out = appendRIFFChunk(out, fourcc, data)
		case "VP8 ", "ALPH", "ICCP":
			out = appendRIFFChunk(out, fourcc, data)
		case "EXIF":
			if info.orientation == 0 {
				info.orientation = exifOrientation(data)
			}
		}
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out, info, nil
}

func appendRIFFChunk(out []byte, fourcc string, data []byte) []byte {
	out = append(out, fourcc...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0)
	}
	return out
}
