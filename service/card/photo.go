package card

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
)

// Photo link lifetimes: a counter sees the photo for 5 minutes (API.md
// §7); the member's own card keeps one link for a 10-minute window (valid
// 10 to 20 minutes), so the app's image cache is not defeated by the
// token refresh every minute.
const (
	VerifyPhotoTTL = 5 * time.Minute
	cardPhotoStep  = 10 * time.Minute
)

// photoMACSize is the truncated HMAC-SHA256 tag of a photo link.
const photoMACSize = 16

// photoLink signs a link token for member's photo upload, valid until exp:
// kid "." base64url(member id, upload id, exp, tag).
func (s *Service) photoLink(memberID, uploadID int64, exp time.Time) string {
	var b [24 + photoMACSize]byte
	binary.BigEndian.PutUint64(b[0:], uint64(memberID))
	binary.BigEndian.PutUint64(b[8:], uint64(uploadID))
	binary.BigEndian.PutUint64(b[16:], uint64(exp.Unix()))
	m := hmac.New(sha256.New, s.active.photo)
	m.Write(b[:24])
	copy(b[24:], m.Sum(nil))
	return s.active.ID + "." + base64.RawURLEncoding.EncodeToString(b[:])
}

// cardPhotoExpiry is the end of the member's own photo link issued at now.
func cardPhotoExpiry(now time.Time) time.Time {
	return now.Truncate(cardPhotoStep).Add(2 * cardPhotoStep)
}

// Photo is a card photo served through a signed link.
type Photo struct {
	ContentType string
	Data        []byte
	ExpiresAt   time.Time
}

// OpenPhoto checks a photo link token and returns the photo; any bad,
// expired or stale link (the member's photo changed since) is one 404.
func (s *Service) OpenPhoto(ctx context.Context, token string) (*Photo, error) {
	kid, body, found := strings.Cut(token, ".")
	k, known := s.keys[kid]
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if !found || !known || err != nil || len(raw) != 24+photoMACSize {
		return nil, errPhotoNotFound
	}
	m := hmac.New(sha256.New, k.photo)
	m.Write(raw[:24])
	if !hmac.Equal(raw[24:], m.Sum(nil)[:photoMACSize]) {
		return nil, errPhotoNotFound
	}
	memberID := int64(binary.BigEndian.Uint64(raw[0:]))
	uploadID := int64(binary.BigEndian.Uint64(raw[8:]))
	exp := time.Unix(int64(binary.BigEndian.Uint64(raw[16:])), 0)
	if !s.now().Before(exp) {
		return nil, errPhotoNotFound
	}
	// The member must still have that photo: a replaced photo's links stop.
	r, err := s.cards.ForMember(ctx, memberID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && (r.PhotoUploadID == nil || *r.PhotoUploadID != uploadID)) {
		return nil, errPhotoNotFound
	}
	if err != nil {
		return nil, err
	}
	u, err := s.uploads.Get(ctx, uploadID, s.now().UTC())
	if errors.Is(err, model.ErrNotFound) {
		return nil, errPhotoNotFound
	}
	if err != nil {
		return nil, err
	}
	_, data, err := s.photos.Open(ctx, u.OwnerID, u.ID)
	if err != nil {
		return nil, err
	}
	return &Photo{ContentType: u.ContentType, Data: data, ExpiresAt: exp}, nil
}
