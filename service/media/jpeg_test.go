package media

import (
	"bytes"
	"image/jpeg"
	"testing"
)

func TestProcessJPEGStripsMetadata(t *testing.T) {
	orig := encodeJPEG(t, 40, 30)
	jfif := "JFIF\x00\x01\x01\x01\x00\x48\x00\x48" // version, units, density
	icc := jpegSegment(mAPP2, "ICC_PROFILE\x00\x01\x01fake-profile")
	in := withJPEGSegments(orig, "TRAILER-second-image",
		jpegSegment(mAPP0, jfif+"\x01\x01THU"), // a 1×1 thumbnail, RGB "THU"
		jpegSegment(mAPP1, "Exif\x00\x00"+string(exifTIFF(6))),
		jpegSegment(mAPP1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS</x:xmpmeta>"),
		icc,
		jpegSegment(mAPP2, "MPF\x00MM\x00*index-of-hidden-images"),
		jpegSegment(0xED, "Photoshop 3.0\x00IPTC byline secret"),
		jpegSegment(mCOM, "secret comment"),
	)

	res := mustProcess(t, in)

	want := append([]byte{0xFF, mSOI}, jpegSegment(mAPP0, jfif+"\x00\x00")...)
	want = append(want, icc...)
	want = append(want, orig[2:]...)
	if !bytes.Equal(res.Data, want) {
		t.Errorf("Data is not SOI + JFIF (no thumbnail) + ICC + the encoder's bytes:\n got %q\nwant %q",
			head(res.Data), head(want))
	}
	for _, gone := range []string{"Exif", "GPS", "xmpmeta", "MPF", "Photoshop", "secret", "TRAILER", "THU"} {
		if bytes.Contains(res.Data, []byte(gone)) {
			t.Errorf("Data still contains %q", gone)
		}
	}
	if res.ContentType != TypeJPEG || res.Width != 40 || res.Height != 30 || res.Orientation != 6 {
		t.Errorf("got %s %dx%d orientation %d, want image/jpeg 40x30 orientation 6",
			res.ContentType, res.Width, res.Height, res.Orientation)
	}
	a, err := jpeg.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(res.Data))
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, a, b)
}

func TestProcessJPEGKeepsAdobeAndDropsOtherAPPn(t *testing.T) {
	orig := encodeJPEG(t, 16, 16)
	adobe := jpegSegment(mAPPE, "Adobe\x00\x64\x00\x00\x00\x00\x01")
	in := withJPEGSegments(orig, "",
		jpegSegment(0xE3, "Meta"), adobe, jpegSegment(0xEF, "x"),
		jpegSegment(mAPP0, "JFXX\x00\x10thumbnail"))

	res := mustProcess(t, in)

	want := append(append([]byte{0xFF, mSOI}, adobe...), orig[2:]...)
	if !bytes.Equal(res.Data, want) {
		t.Errorf("want SOI + Adobe APP14 + the encoder's bytes, got %q", head(res.Data))
	}
	if res.Orientation != 1 {
		t.Errorf("Orientation = %d without EXIF, want 1", res.Orientation)
	}
}

func TestProcessJPEGWithoutMetadataIsUnchanged(t *testing.T) {
	in := encodeJPEG(t, 64, 48)
	if res := mustProcess(t, in); !bytes.Equal(res.Data, in) {
		t.Error("a JPEG without metadata changed")
	}
}

// TestStripJPEGFillBytes covers the 0xFF fill bytes a marker may carry,
// which the walk drops; the decoder does not care.
func TestStripJPEGFillBytes(t *testing.T) {
	orig := encodeJPEG(t, 16, 16)
	in := append([]byte{0xFF, mSOI, 0xFF, 0xFF, 0xFF}, orig[3:]...)
	res := mustProcess(t, in)
	if !bytes.Equal(res.Data, orig) {
		t.Errorf("fill bytes not normalised: %q", head(res.Data))
	}
}

// TestStripJPEGStrayBytes covers bytes between segments, which libjpeg
// and Go's decoder skip; the walk drops them.
func TestStripJPEGStrayBytes(t *testing.T) {
	orig := encodeJPEG(t, 16, 16)
	in := withJPEGSegments(orig, "", jpegSegment(mCOM, "c"), []byte("junk"))
	if res := mustProcess(t, in); !bytes.Equal(res.Data, orig) {
		t.Errorf("stray bytes kept: %q", head(res.Data))
	}
}

func head(b []byte) []byte { return b[:min(len(b), 48)] }
