package media

import (
	"encoding/binary"
	"testing"
)

func TestExifOrientation(t *testing.T) {
	bigEndian := []byte("MM\x00*\x00\x00\x00\x08\x00\x02" +
		"\x01\x00\x00\x03\x00\x00\x00\x01\x00\x10\x00\x00" + // ImageWidth first
		"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x05\x00\x00")
	longType := exifTIFF(6)
	binary.LittleEndian.PutUint16(longType[12:], 4) // LONG, not SHORT
	tests := []struct {
		name string
		tiff []byte
		want int
	}{
		{"little endian", exifTIFF(6), 6},
		{"with Exif header", append([]byte("Exif\x00\x00"), exifTIFF(8)...), 8},
		{"big endian, second entry", bigEndian, 5},
		{"out of range", exifTIFF(9), 1},
		{"wrong type", longType, 1},
		{"count overruns", bigEndian[:20], 1},
		{"offset overruns", []byte("II*\x00\xff\xff\xff\xff"), 1},
		{"offset into header", []byte("II*\x00\x00\x00\x00\x00\x01\x00"), 1},
		{"not tiff", []byte("hello, world"), 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exifOrientation(tt.tiff); got != tt.want {
				t.Errorf("exifOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}
