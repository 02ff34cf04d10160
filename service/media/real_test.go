package media

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestProcessRealImages runs images from other encoders (progressive,
// restart markers, CMYK, greyscale, palette, 16-bit, lossy WebP) through
// Process, bare and with metadata added: the pixels must survive exactly.
func TestProcessRealImages(t *testing.T) {
	for name, in := range realImages(t) {
		t.Run(name, func(t *testing.T) {
			ct, _ := Sniff(in)
			want, err := decode(ct, in)
			if err != nil {
				t.Fatal(err)
			}
			res := mustProcess(t, in)
			got, err := decode(ct, res.Data)
			if err != nil {
				t.Fatal(err)
			}
			samePixels(t, want, got)

			tagged := withMetadata(ct, in)
			res = mustProcess(t, tagged)
			if bytes.Contains(res.Data, []byte("GPS")) {
				t.Error("metadata survived")
			}
			got, err = decode(ct, res.Data)
			if err != nil {
				t.Fatal(err)
			}
			samePixels(t, want, got)
		})
	}
}

func TestProgressiveCost(t *testing.T) {
	sof := func(hv ...byte) []byte {
		b := []byte{8, 0, 16, 0, 16, byte(len(hv))}
		for i, f := range hv {
			b = append(b, byte(i+1), f, 0)
		}
		return b
	}
	for name, tt := range map[string]struct {
		sof  []byte
		want int64
	}{
		"4:2:0": {sof(0x22, 0x11, 0x11), 6},
		"4:4:4": {sof(0x11, 0x11, 0x11), 12},
		"gray":  {sof(0x11), 4},
		"cmyk":  {sof(0x11, 0x11, 0x11, 0x11), 16},
		"short": {sof(0x22, 0x11, 0x11)[:8], 12},
		"zero":  {sof(0x00), 12},
	} {
		if got := progressiveCost(tt.sof); got != tt.want {
			t.Errorf("%s: progressiveCost = %d, want %d", name, got, tt.want)
		}
	}
}

// realImages returns the files of testdata/real by name.
func realImages(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "real", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	images := make(map[string][]byte)
	for _, p := range paths {
		if filepath.Ext(p) == ".md" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		images[filepath.Base(p)] = b
	}
	return images
}

// withMetadata adds EXIF (with GPS bytes) to an image in the way its
// format carries it.
func withMetadata(ct string, in []byte) []byte {
	switch ct {
	case TypeJPEG:
		return withJPEGSegments(in, "trailing GPS",
			jpegSegment(mAPP1, "Exif\x00\x00"+string(exifTIFF(6))))
	case TypePNG:
		return withPNGChunks(in, "trailing GPS", pngChunk("eXIf", exifTIFF(6)))
	default:
		return append(append([]byte(nil), in...), "trailing GPS"...)
	}
}
