// Package pii protects the personal data UnionHub keeps about people: ID
// numbers, phone numbers and uploaded ID-card images.
//
// Values are sealed with AES-256-GCM under a key named by a key id; the id
// travels with the ciphertext, so a new key can become active while data
// sealed under older keys still opens. Each value is bound to its Slot, the
// column and row it is stored in (members.id_number_enc of member 42): the
// slot is authenticated with the value, so a value copied to another row or
// column does not open there. Values of format v1, sealed before slots,
// still open anywhere. Exact-match lookups go through a
// blind index, an HMAC-SHA256 under a separate key, so the database can find
// a person by ID number without holding anything it could decrypt. Masking
// turns a value into the form shown in lists (张*, 110105********002X,
// 138****8000).
//
// Losing the keys loses the data: they must be backed up with the database.
package pii

import "errors"

// ErrDecrypt is returned, possibly wrapped, whenever a sealed value cannot be
// opened: it is malformed, names a key this Cipher does not hold, or was
// altered. The wrapped message says which, without revealing key material.
var ErrDecrypt = errors.New("pii: cannot decrypt")
