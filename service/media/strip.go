package media

import (
	"fmt"
	"image"
	"image/color"
)

// stripInfo is what a stripper learns on its way through the file.
type stripInfo struct {
	orientation int // EXIF orientation, 1–8
	// extraBytesPerPixel is decoder working memory beyond the image itself:
	// the coefficients of a progressive JPEG, the passes of an interlaced
	// PNG, the ARGB buffer of VP8L.
	extraBytesPerPixel int64
}

// strip returns b without its metadata. It walks the container format byte
// by byte and copies the parts it keeps unchanged, so pixels and checksums
// stay as they were.
func strip(ct string, b []byte) ([]byte, stripInfo, error) {
	var (
		out  []byte
		info stripInfo
		err  error
	)
	switch ct {
	case TypeJPEG:
		out, info, err = stripJPEG(b)
	case TypePNG:
		out, info, err = stripPNG(b)
	default:
		out, info, err = stripWebP(b)
	}
	if err != nil {
		return nil, stripInfo{}, err
	}
	if info.orientation == 0 {
		info.orientation = 1
	}
	return out, info, nil
}

// malformed returns an ErrUndecodable that says what is wrong with the file.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUndecodable, fmt.Sprintf(format, args...))
}

// decodeCost estimates the bytes a full decode of cfg allocates.
func decodeCost(cfg image.Config, info stripInfo) int64 {
	var bpp int64
	switch cfg.ColorModel {
	case color.GrayModel, color.AlphaModel:
		bpp = 1
	case color.Gray16Model, color.Alpha16Model:
		bpp = 2
	case color.YCbCrModel: // 4:4:4 at worst
		bpp = 3
	case color.CMYKModel: // the decoder converts YCCK through a second buffer
		bpp = 8
	case color.RGBA64Model, color.NRGBA64Model:
		bpp = 8
	default: // RGBA, NRGBA, NYCbCrA
		bpp = 4
		if _, ok := cfg.ColorModel.(color.Palette); ok {
			bpp = 1
		}
	}
	return int64(cfg.Width) * int64(cfg.Height) * (bpp + info.extraBytesPerPixel)
}
