package media

import (
	"bytes"
	"encoding/binary"
	"image/color"
	"testing"

	"golang.org/x/image/webp"
)

var teal = color.NRGBA{R: 0x10, G: 0x80, B: 0x90, A: 0xff}

func TestProcessWebPSimpleIsUnchanged(t *testing.T) {
	in := riff(riffChunk("VP8L", vp8lSolid(20, 18, teal)))

	res := mustProcess(t, in)

	if !bytes.Equal(res.Data, in) {
		t.Error("a WebP without metadata changed")
	}
	if res.ContentType != TypeWebP || res.Width != 20 || res.Height != 18 {
		t.Errorf("got %s %dx%d, want image/webp 20x18", res.ContentType, res.Width, res.Height)
	}
	m, err := webp.Decode(bytes.NewReader(res.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := color.NRGBAModel.Convert(m.At(5, 5)); got != teal {
		t.Errorf("pixel %v, want %v", got, teal)
	}
}

func TestProcessWebPStripsMetadata(t *testing.T) {
	const flags = vp8xEXIF | vp8xXMP | 1<<5 // and ICC
	icc := riffChunk("ICCP", []byte("fake-profile"))
	img := riffChunk("VP8L", vp8lSolid(24, 16, teal))
	in := riff(
		vp8x(flags, 24, 16), icc, img,
		riffChunk("EXIF", exifTIFF(3)),
		riffChunk("XMP ", []byte("<x:xmpmeta>GPS</x:xmpmeta>")),
		riffChunk("ZZZZ", []byte("unknown secret")),
	)
	in = append(in, "after-RIFF secret"...)

	res := mustProcess(t, in)

	want := riff(vp8x(1<<5, 24, 16), icc, img)
	if !bytes.Equal(res.Data, want) {
		t.Errorf("Data = %q\nwant %q", head(res.Data), head(want))
	}
	if got := binary.LittleEndian.Uint32(res.Data[4:8]); int(got) != len(res.Data)-8 {
		t.Errorf("RIFF size %d, file %d", got, len(res.Data))
	}
	if res.Orientation != 3 || res.Width != 24 || res.Height != 16 {
		t.Errorf("got %dx%d orientation %d, want 24x16 orientation 3", res.Width, res.Height, res.Orientation)
	}
	for _, gone := range []string{"GPS", "secret", "EXIF", "XMP "} {
		if bytes.Contains(res.Data, []byte(gone)) {
			t.Errorf("Data still contains %q", gone)
		}
	}
}

func TestProcessWebPOddChunkPadding(t *testing.T) {
	// The EXIF chunk has odd length: its pad byte must be skipped, and when
	// a writer omits the final pad byte the file is still accepted.
	img := riffChunk("VP8L", vp8lSolid(16, 16, teal))
	in := riff(vp8x(vp8xEXIF, 16, 16), img, riffChunk("EXIF", []byte("odd")))
	in = in[:len(in)-1]
	binary.LittleEndian.PutUint32(in[4:8], uint32(len(in)-8))

	res := mustProcess(t, in)

	if want := riff(vp8x(0, 16, 16), img); !bytes.Equal(res.Data, want) {
		t.Errorf("Data = %q\nwant %q", res.Data, want)
	}
}
