package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"runtime"

	"golang.org/x/image/webp"
)

// Limits on the images Process accepts. They are checked from the image's
// header, before any pixel is decoded, so a small file that claims a huge
// image (a decompression bomb) costs nothing. They are sized for what is
// uploaded: phone photos (12 MP, 4032×3024; the 48 MP and larger sensors
// save 12 MP unless told otherwise, and a full-size one is over the 5 MiB
// limit anyway), 24 MP camera photos (6000×4000) and ID-card scans (a
// card at 600 dpi is about 2000×1300).
const (
	// MinSide is the least width and height, in pixels: smaller cannot show
	// a face or an ID card.
	MinSide = 16
	// MaxSide is the greatest width and height, in pixels: a 24 MP photo's
	// long side with room to spare; longer is a strip, not a photo.
	MaxSide = 8192
	// MaxPixels is the greatest width × height: a 24 MP photo.
	MaxPixels = 24_000_000
	// MaxDecodeBytes bounds the memory one decode may take, estimated from
	// the pixel format: a 24 MP 8-bit RGBA PNG (92 MiB) or a 12 MP
	// progressive JPEG (which holds every DCT coefficient) fits, a 24 MP
	// 16-bit PNG or progressive JPEG does not.
	MaxDecodeBytes = 96 << 20
)

// Process reads one uploaded image from r, at most limit bytes, and returns
// what to store. It returns ErrTooLarge when r holds more than limit bytes
// (it reads limit+1 to know, never more), ErrTooManyPixels when the image's
// dimensions or decode memory exceed the limits above, ErrUnsupported when
// the content is not a JPEG, PNG or still WebP, ErrUndecodable when it is
// damaged, ErrBusy when budget has no room for its decode within the
// budget's wait, and ctx's error when ctx ends while it waits; other errors
// come from r. Result.Data has passed a full decode, so it is safe to store
// and serve.
func Process(ctx context.Context, r io.Reader, limit int64, budget *Budget) (Result, error) {
	data, err := readLimited(r, limit)
	if err != nil {
		return Result{}, err
	}
	ct, ok := Sniff(data)
	if !ok {
		return Result{}, fmt.Errorf("%w: content is not a JPEG, PNG or WebP image", ErrUnsupported)
	}
	cfg, err := decodeConfig(ct, data)
	if err != nil {
		return Result{}, decodeError(ct, "header", err)
	}
	if err := checkDimensions(cfg); err != nil {
		return Result{}, err
	}
	out, info, err := strip(ct, data)
	if err != nil {
		return Result{}, err
	}
	if err := checkStripped(ctx, budget, ct, out, cfg, info); err != nil {
		return Result{}, err
	}
	sum := sha256.Sum256(data)
	return Result{
		ContentType: ct,
		Size:        int64(len(data)),
		SHA256:      hex.EncodeToString(sum[:]),
		Width:       cfg.Width,
		Height:      cfg.Height,
		Orientation: info.orientation,
		Data:        out,
	}, nil
}

// readLimited reads all of r, or fails with ErrTooLarge as soon as it has
// seen limit+1 bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	data, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, fmt.Errorf("media: read upload: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// checkStripped is the defence against a stripping bug: the bytes to store
// must describe the same image as those sent, fit the memory limit, and
// decode in full, within the node's budget. Their full decode is the only
// one Process does.
func checkStripped(ctx context.Context, budget *Budget, ct string, out []byte, want image.Config, info stripInfo) error {
	cfg, err := decodeConfig(ct, out)
	if err != nil {
		return decodeError(ct, "header after stripping", err)
	}
	if cfg.Width != want.Width || cfg.Height != want.Height {
		return fmt.Errorf("%w: stripping changed the size from %dx%d to %dx%d",
			ErrUndecodable, want.Width, want.Height, cfg.Width, cfg.Height)
	}
	cost := decodeCost(cfg, info)
	if cost > MaxDecodeBytes {
		return fmt.Errorf("%w: decoding %dx%d would take about %d MiB", ErrTooManyPixels,
			cfg.Width, cfg.Height, cost>>20)
	}
	release, err := budget.acquire(ctx, cost)
	if err != nil {
		return err
	}
	defer release()
	b, err := decodedBounds(ct, out)
	if cost >= collectAfter {
		// The budget bounds what decodes hold; collecting now keeps the
		// garbage of this one from adding to the next (the collector would
		// let the heap grow to twice what is live first).
		runtime.GC()
	}
	if err != nil {
		return decodeError(ct, "data", err)
	}
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return fmt.Errorf("%w: decoded %dx%d, header says %dx%d",
			ErrUndecodable, b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	return nil
}

// collectAfter is the decode cost from which a decode's memory is
// collected at once: a photo of about 8 MP and more.
const collectAfter = 32 << 20

// decodedBounds decodes b in full and returns the image's bounds, keeping
// nothing of the pixels.
func decodedBounds(ct string, b []byte) (image.Rectangle, error) {
	m, err := decode(ct, b)
	if err != nil {
		return image.Rectangle{}, err
	}
	return m.Bounds(), nil
}

// checkDimensions refuses images too small to use or too large to decode.
func checkDimensions(cfg image.Config) error {
	w, h := cfg.Width, cfg.Height
	switch {
	case w > MaxSide || h > MaxSide || int64(w)*int64(h) > MaxPixels:
		return fmt.Errorf("%w: image is %dx%d pixels (at most %d a side, %d in all)",
			ErrTooManyPixels, w, h, MaxSide, MaxPixels)
	case w < MinSide || h < MinSide:
		return fmt.Errorf("%w: image is %dx%d pixels (at least %d a side)",
			ErrUnsupported, w, h, MinSide)
	}
	return nil
}

// decodeError wraps a decoder's error: ErrUnsupported for a feature the
// decoder lacks (12-bit or arithmetic-coded JPEG …), else ErrUndecodable.
func decodeError(ct, part string, err error) error {
	var (
		ju jpeg.UnsupportedError
		pu png.UnsupportedError
	)
	if errors.As(err, &ju) || errors.As(err, &pu) {
		return fmt.Errorf("%w: %s %s: %v", ErrUnsupported, ct, part, err)
	}
	return fmt.Errorf("%w: %s %s: %v", ErrUndecodable, ct, part, err)
}

func decodeConfig(ct string, b []byte) (image.Config, error) {
	r := bytes.NewReader(b)
	switch ct {
	case TypeJPEG:
		return jpeg.DecodeConfig(r)
	case TypePNG:
		return png.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

func decode(ct string, b []byte) (image.Image, error) {
	r := bytes.NewReader(b)
	switch ct {
	case TypeJPEG:
		return jpeg.Decode(r)
	case TypePNG:
		return png.Decode(r)
	default:
		return webp.Decode(r)
	}
}
