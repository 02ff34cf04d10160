// Package blob keeps files by key: on local disk (Local) or in an
// S3-compatible object store (S3). It stores bytes as given; uploads are
// encrypted by the caller before they reach it, so neither the disk nor the
// bucket ever holds an ID-card image in the clear.
package blob

import (
	"context"
	"errors"
)

// Store keeps files by key. Keys are 1–200 bytes of [A-Za-z0-9_-] in
// segments separated by single slashes ("uploads/3f9a…"); a key that is
// not is refused with ErrInvalidKey. NewKey makes good keys.
type Store interface {
	// Put stores data under key, replacing what was there. A reader sees
	// the old data or the new, never a part.
	Put(ctx context.Context, key string, data []byte) error
	// Get returns the data stored under key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes key. Deleting a key that is not there is not an error,
	// so a retried deletion succeeds.
	Delete(ctx context.Context, key string) error
}

// ErrNotFound is returned, possibly wrapped, by Get for a key with no data.
var ErrNotFound = errors.New("blob: not found")

// ErrInvalidKey is returned, wrapped, for a key a Store does not accept.
var ErrInvalidKey = errors.New("blob: invalid key")
