package media

import (
	"bytes"
	"encoding/binary"
)

// exifOrientation returns the Orientation tag (0x0112) of the first IFD of
// an EXIF TIFF block, or 1 when it has none or the block is malformed. Some
// writers keep the "Exif\0\0" header in PNG and WebP too; it is skipped.
func exifOrientation(tiff []byte) int {
	tiff = bytes.TrimPrefix(tiff, []byte("Exif\x00\x00"))
	if len(tiff) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := uint64(bo.Uint32(tiff[4:8]))
	if off < 8 || off+2 > uint64(len(tiff)) {
		return 1
	}
	n := int(bo.Uint16(tiff[off:]))
	for p := int(off) + 2; n > 0 && p+12 <= len(tiff); n, p = n-1, p+12 {
		const tagOrientation, typeShort = 0x0112, 3
		if bo.Uint16(tiff[p:]) != tagOrientation {
			continue
		}
		if v := int(bo.Uint16(tiff[p+8:])); bo.Uint16(tiff[p+2:]) == typeShort && v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
