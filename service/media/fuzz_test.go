package media

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzProcess checks that no input panics Process, that every refusal is
// one of its three errors, and that what it stores processes again to the
// same bytes: stripping is idempotent and its output stays decodable. The
// seeds are testdata/fuzz/FuzzProcess and testdata/real; run with
// go test -fuzz=FuzzProcess ./service/media/.
func FuzzProcess(f *testing.F) {
	f.Add(encodePNG(f, 16, 16))
	f.Add(riff(riffChunk("VP8L", vp8lSolid(16, 16, teal))))
	for _, b := range realImages(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		const limit = 1 << 20
		res, err := process(bytes.NewReader(in), limit)
		if err != nil {
			if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTooManyPixels) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrUndecodable) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		again, err := process(bytes.NewReader(res.Data), limit)
		if err != nil {
			t.Fatalf("stored bytes do not process again: %v", err)
		}
		if !bytes.Equal(again.Data, res.Data) {
			t.Error("stripping the stored bytes changed them")
		}
		if again.ContentType != res.ContentType || again.Width != res.Width || again.Height != res.Height {
			t.Errorf("reprocessed as %s %dx%d, first %s %dx%d", again.ContentType,
				again.Width, again.Height, res.ContentType, res.Width, res.Height)
		}
		if again.Orientation != 1 {
			t.Errorf("stored bytes still carry orientation %d", again.Orientation)
		}
	})
}
