package media

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"slices"
	"testing"
)

func TestProcessPNGStripsMetadata(t *testing.T) {
	orig := encodePNG(t, 33, 17)
	in := withPNGChunks(orig, "after-IEND secret",
		pngChunk("gAMA", []byte{0, 1, 0x86, 0xa0}),
		pngChunk("tEXt", []byte("Comment\x00GPS secret")),
		pngChunk("zTXt", []byte("Author\x00\x00x\x9c")),
		pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>")),
		pngChunk("eXIf", exifTIFF(8)),
		pngChunk("tIME", []byte{0x07, 0xe9, 1, 2, 3, 4, 5}),
		pngChunk("pHYs", []byte{0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1}),
		pngChunk("prVt", []byte("private secret")),
	)

	res := mustProcess(t, in)

	if got, want := pngChunkTypes(t, res.Data), []string{"IHDR", "gAMA", "pHYs", "IDAT", "IEND"}; !slices.Equal(got, want) {
		t.Errorf("chunks %v, want %v", got, want)
	}
	for _, gone := range []string{"GPS", "secret", "xmpmeta", "Author"} {
		if bytes.Contains(res.Data, []byte(gone)) {
			t.Errorf("Data still contains %q", gone)
		}
	}
	if res.ContentType != TypePNG || res.Width != 33 || res.Height != 17 || res.Orientation != 8 {
		t.Errorf("got %s %dx%d orientation %d, want image/png 33x17 orientation 8",
			res.ContentType, res.Width, res.Height, res.Orientation)
	}
	a, err := png.Decode(bytes.NewReader(orig))
	if err != nil {
		t.Fatal(err)
	}
	b, err := png.Decode(bytes.NewReader(res.Data))
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, a, b)
}

func TestProcessPNGWithoutMetadataIsUnchanged(t *testing.T) {
	in := encodePNG(t, 20, 20)
	if res := mustProcess(t, in); !bytes.Equal(res.Data, in) {
		t.Error("a PNG without metadata changed")
	}
}

// pngChunkTypes lists the chunk types of a well-formed PNG.
func pngChunkTypes(t *testing.T, b []byte) []string {
	t.Helper()
	var types []string
	for i := len(pngMagic); i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		types = append(types, string(b[i+4:i+8]))
		i += 12 + n
	}
	return types
}
