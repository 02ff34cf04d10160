package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/unionhub/unionhub/service"
)

func TestProcessReportsBytesAsSent(t *testing.T) {
	in := withJPEGSegments(encodeJPEG(t, 16, 16), "", jpegSegment(mCOM, "comment"))

	res := mustProcess(t, in)

	sum := sha256.Sum256(in)
	if res.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s, want the hash of the input", res.SHA256)
	}
	if res.Size != int64(len(in)) {
		t.Errorf("Size = %d, want %d", res.Size, len(in))
	}
	if len(res.Data) >= len(in) {
		t.Errorf("Data (%d bytes) not smaller than the input (%d)", len(res.Data), len(in))
	}
}

func TestProcessLimit(t *testing.T) {
	in := encodePNG(t, 16, 16)
	if _, err := process(bytes.NewReader(in), int64(len(in))); err != nil {
		t.Errorf("exactly limit bytes: %v", err)
	}
	_, err := process(bytes.NewReader(in), int64(len(in)-1))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit+1 bytes: err = %v, want ErrTooLarge", err)
	}
}

func TestProcessReadsAtMostLimitPlusOne(t *testing.T) {
	r := &endless{}
	_, err := process(r, 1000)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if r.n != 1001 {
		t.Errorf("read %d bytes, want 1001", r.n)
	}
}

func TestProcessReadError(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := process(io.MultiReader(bytes.NewReader([]byte{0xFF, 0xD8}), errReader{boom}), 5<<20)
	if !errors.Is(err, boom) || service.KindOf(err) != service.KindInternal {
		t.Errorf("err = %v, want the reader's error, kind internal", err)
	}
}

func TestProcessRefuses(t *testing.T) {
	jpg := encodeJPEG(t, 32, 32)
	tests := []struct {
		name string
		in   []byte
		want error
		kind service.Kind
	}{
		{"empty", nil, ErrUnsupported, service.KindUnsupportedType},
		{"text", []byte("姓名,身份证号\n张三,110105194912310021\n"), ErrUnsupported, service.KindUnsupportedType},
		{"gif", []byte("GIF89a\x10\x00\x10\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x10\x00\x10\x00\x00\x02\x02D\x01\x00;"), ErrUnsupported, service.KindUnsupportedType},
		{"riff not webp", []byte("RIFF\x04\x00\x00\x00WAVEfmt "), ErrUnsupported, service.KindUnsupportedType},
		{"jpeg truncated", jpg[:len(jpg)/2], ErrUndecodable, service.KindUnsupportedType},
		{"jpeg without EOI", jpg[:len(jpg)-2], ErrUndecodable, service.KindUnsupportedType},
		{"jpeg magic only", []byte("\xff\xd8\xff\xe0 not really"), ErrUndecodable, service.KindUnsupportedType},
		{"jpeg arithmetic coding", jpegWithSize(jpg, 0xC9, 32, 32), ErrUnsupported, service.KindUnsupportedType},
		{"png truncated", encodePNG(t, 32, 32)[:60], ErrUndecodable, service.KindUnsupportedType},
		{"png unknown critical chunk", withPNGChunks(encodePNG(t, 16, 16), "", pngChunk("ABCD", nil)), ErrUndecodable, service.KindUnsupportedType},
		{"png corrupt data", corruptIDAT(encodePNG(t, 16, 16)), ErrUndecodable, service.KindUnsupportedType},
		{"png too small", encodePNG(t, 15, 40), ErrUnsupported, service.KindUnsupportedType},
		{"webp truncated", riff(riffChunk("VP8L", vp8lSolid(16, 16, teal)))[:20], ErrUndecodable, service.KindUnsupportedType},
		{"webp animated", riff(vp8x(vp8xAnimation, 16, 16), riffChunk("ANIM", make([]byte, 6))), ErrUnsupported, service.KindUnsupportedType},
		{"png bomb", pngHeader(20000, 20000, 8, 6), ErrTooManyPixels, service.KindInvalid},
		{"png too many pixels", pngHeader(8000, 6000, 8, 2), ErrTooManyPixels, service.KindInvalid},
		{"png 10000x4000 RGBA (issue 12)", pngHeader(10000, 4000, 8, 6), ErrTooManyPixels, service.KindInvalid},
		{"png side too long", pngHeader(9000, 100, 8, 6), ErrTooManyPixels, service.KindInvalid},
		{"png 16-bit over memory", pngHeader(4000, 4000, 16, 6), ErrTooManyPixels, service.KindInvalid},
		{"jpeg bomb", jpegWithSize(jpg, 0xC0, 20000, 20000), ErrTooManyPixels, service.KindInvalid},
		{"jpeg progressive over memory", jpegWithSize(jpg, 0xC2, 6000, 4000), ErrTooManyPixels, service.KindInvalid},
		{"webp bomb", riff(vp8x(0, 20000, 20000), riffChunk("VP8L", vp8lSolid(16, 16, teal))), ErrTooManyPixels, service.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := process(bytes.NewReader(tt.in), 5<<20)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if got := service.KindOf(err); got != tt.kind {
				t.Errorf("kind = %v, want %v", got, tt.kind)
			}
		})
	}
}

// TestProcessBombAllocatesNothing checks that dimensions are refused from
// the header: a 20000×20000 RGBA image would take 1.6 GB.
func TestProcessBombAllocatesNothing(t *testing.T) {
	for name, in := range map[string][]byte{
		"png":  pngHeader(20000, 20000, 8, 6),
		"jpeg": jpegWithSize(encodeJPEG(t, 16, 16), 0xC0, 20000, 20000),
		"webp": riff(vp8x(0, 20000, 20000), riffChunk("VP8L", vp8lSolid(16, 16, teal))),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := process(bytes.NewReader(in), 5<<20)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooManyPixels) {
			t.Fatalf("%s: err = %v, want ErrTooManyPixels", name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: allocated %d bytes to refuse a bomb", name, n)
		}
	}
}

// jpegWithSize rewrites the first SOF of jpg to marker sof and w×h, leaving
// the scan as it was: a header that promises more than the file holds.
func jpegWithSize(jpg []byte, sof byte, w, h int) []byte {
	out := append([]byte(nil), jpg...)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	out[i+1] = sof
	out[i+5], out[i+6] = byte(h>>8), byte(h)
	out[i+7], out[i+8] = byte(w>>8), byte(w)
	return out
}

// corruptIDAT flips a byte of the zlib stream in the first IDAT chunk.
func corruptIDAT(p []byte) []byte {
	out := append([]byte(nil), p...)
	out[bytes.Index(out, []byte("IDAT"))+6] ^= 0xFF
	return out
}

// endless yields zero bytes forever and counts them.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n += len(p)
	return len(p), nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
