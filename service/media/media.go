// Package media turns an uploaded image into the bytes UnionHub stores: it
// accepts JPEG, PNG and WebP by their content, refuses files too large to
// hold or too large to decode, and strips the metadata a phone photo
// carries (EXIF with GPS position and device, XMP, comments, thumbnails)
// without re-encoding, so the picture keeps its quality.
//
// What stays: the pixels, and what a viewer needs to show them correctly:
// JPEG JFIF (APP0, thumbnail removed), ICC profiles (colour only; they hold
// no personal data) and the Adobe APP14 colour-transform marker; PNG
// critical chunks and colour chunks (gAMA, cHRM, sRGB, iCCP, sBIT, cICP,
// tRNS, bKGD, hIST, pHYs); WebP image, alpha and ICCP chunks.
// Everything else, including unknown chunks and bytes after the image's end
// marker, is dropped.
//
// Orientation: stripping EXIF drops its orientation tag, and pixels are not
// rotated (that would need a lossy re-encode). Photos from the mini-program
// are normally upright already; for the others Result.Orientation reports
// the tag the upload carried, so a viewer can rotate the stored image.
package media

import "github.com/unionhub/unionhub/service"

// The content types Process accepts, as Sniff and Result report them.
const (
	// TypeJPEG is JPEG (JFIF or EXIF).
	TypeJPEG = "image/jpeg"
	// TypePNG is PNG.
	TypePNG = "image/png"
	// TypeWebP is WebP, lossy or lossless, not animated.
	TypeWebP = "image/webp"
)

// Errors Process returns, wrapped with a detail for logs; test with
// errors.Is. They are service errors, so the api layer answers 413, 415
// and 422 with their Chinese message and never shows the detail.
var (
	// ErrTooLarge means the file exceeds the byte limit: 413.
	ErrTooLarge = service.E(service.KindTooLarge, "图片过大，请压缩后重新上传")
	// ErrTooManyPixels means the image's dimensions, or the memory its
	// decode would take, exceed what Process decodes (a decompression bomb:
	// a small file that declares a huge picture): 422 on field file.
	ErrTooManyPixels = &service.Error{Kind: service.KindInvalid, Message: "图片尺寸过大，请压缩后重新上传",
		Fields: []service.FieldError{{Field: "file",
			Message: "图片尺寸过大（最多2400万像素，长边不超过8192像素），请压缩或截图后重新上传"}}}
	// ErrUnsupported means the file is not a JPEG, PNG or still WebP, uses a
	// feature the decoders lack, or is too small to be a usable photo: 415.
	ErrUnsupported = service.E(service.KindUnsupportedType, "只支持 JPEG、PNG 或 WebP 格式的静态图片")
	// ErrUndecodable means the file claims a supported type but is damaged
	// or truncated: 415.
	ErrUndecodable = service.E(service.KindUnsupportedType, "图片已损坏，无法识别，请重新拍摄或选择")
)

// Result is a processed upload.
type Result struct {
	ContentType string // TypeJPEG, TypePNG or TypeWebP, by content
	Size        int64  // bytes as sent
	SHA256      string // lower-case hex SHA-256 of the bytes as sent
	Width       int
	Height      int
	// Orientation is the EXIF orientation the upload carried (1–8; 1, upright,
	// when it had none). Data no longer carries it: values 5–8 mean the stored
	// image shows sideways until a viewer rotates it.
	Orientation int
	Data        []byte // the image to store: metadata stripped, pixels unchanged
}
