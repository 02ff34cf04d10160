package pii_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

// TestValueBoundToSlot: a value opens only in the column and row it was
// sealed for, so one copied to another row or column (by someone who can
// write the database) fails instead of showing another person's data.
func TestValueBoundToSlot(t *testing.T) {
	c := newCipher(t, testKeys("k1"))
	home := pii.MemberIDNumber.Row(70)
	text, err := c.Encrypt(home, "11010519491231002X")
	if err != nil {
		t.Fatal(err)
	}
	file, err := c.EncryptBytes(pii.UploadFile.Row(70), []byte("photo"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		at   pii.Slot
		file pii.Slot
		ok   bool
	}{
		{"same column and row", home, pii.UploadFile.Row(70), true},
		{"same row by key", pii.MemberIDNumber.Key("70"), pii.UploadFile.Key("70"), true},
		{"another row", pii.MemberIDNumber.Row(71), pii.UploadFile.Row(71), false},
		{"a row whose id starts alike", pii.MemberIDNumber.Row(7), pii.UploadFile.Row(700), false},
		{"another column of the row", pii.MemberPhone.Row(70), pii.JobFilePart.Row(70), false},
		{"another table", pii.ApplicationIDNumber.Row(70), pii.CardName.Row(70), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Decrypt(tt.at, text)
			if tt.ok && (err != nil || got != "11010519491231002X") {
				t.Errorf("Decrypt = %q, %v; want the plaintext", got, err)
			}
			if !tt.ok && !errors.Is(err, pii.ErrDecrypt) {
				t.Errorf("Decrypt = %q, %v; want ErrDecrypt", got, err)
			}
			gotFile, err := c.DecryptBytes(tt.file, file)
			if tt.ok && (err != nil || string(gotFile) != "photo") {
				t.Errorf("DecryptBytes = %q, %v; want the plaintext", gotFile, err)
			}
			if !tt.ok && !errors.Is(err, pii.ErrDecrypt) {
				t.Errorf("DecryptBytes = %q, %v; want ErrDecrypt", gotFile, err)
			}
		})
	}
}

// legacyKeys holds the key the version 1 values below were sealed with (by
// the release before slots), under the key id "legacy".
func legacyKeys(t *testing.T) pii.Keys {
	t.Helper()
	k := testKeys("k2")
	key, err := base64.StdEncoding.DecodeString("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=")
	if err != nil {
		t.Fatal(err)
	}
	k.EncKeys["legacy"] = key
	return k
}

const (
	legacyText = "v1.legacy.6p9vL-Z2TN4-rh2MJLM3iM4ibqmaH3u7fIQ2GuU-4X9YVN6qFeks"   // "13800138000"
	legacyFile = "AQZsZWdhY3m510gVEPz8Yf8HYOmwLH81//Ig7ER//pgDIxO18FhRBVzZX9+fNos=" // "photo bytes"
)

// TestLegacyValuesOpen: values sealed before slots existed (format 1, bound
// to no row) still open wherever they are stored; altered, they fail.
func TestLegacyValuesOpen(t *testing.T) {
	c := newCipher(t, legacyKeys(t))
	file, err := base64.StdEncoding.DecodeString(legacyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []pii.Slot{pii.UserPhone.Row(1), pii.MemberPhone.Row(99)} {
		if got, err := c.Decrypt(at, legacyText); err != nil || got != "13800138000" {
			t.Errorf("Decrypt(%v, v1 value) = %q, %v; want the plaintext", at, got, err)
		}
		if got, err := c.DecryptBytes(at, file); err != nil || string(got) != "photo bytes" {
			t.Errorf("DecryptBytes(%v, v1 value) = %q, %v; want the plaintext", at, got, err)
		}
	}
	altered := bytes.Clone(file)
	altered[len(altered)-1] ^= 1
	if _, err := c.DecryptBytes(slot, altered); !errors.Is(err, pii.ErrDecrypt) {
		t.Errorf("altered v1 file: err = %v, want ErrDecrypt", err)
	}
	if _, err := c.Decrypt(slot, legacyText[:len(legacyText)-1]+"A"); !errors.Is(err, pii.ErrDecrypt) {
		t.Errorf("altered v1 value: err = %v, want ErrDecrypt", err)
	}
	if _, err := c.Decrypt(slot, "v2"+legacyText[2:]); !errors.Is(err, pii.ErrDecrypt) {
		t.Errorf("v1 value relabelled v2: err = %v, want ErrDecrypt", err)
	}
}

// TestNoSlotRefused: nothing is sealed or opened without a column and a row
// (a row id not known yet is 0).
func TestNoSlotRefused(t *testing.T) {
	c := newCipher(t, testKeys("k1"))
	sealed, _ := c.Encrypt(slot, "x")
	file, _ := c.EncryptBytes(slot, []byte("x"))
	for _, tt := range []struct {
		name string
		at   pii.Slot
	}{
		{"zero slot", pii.Slot{}},
		{"row 0", pii.MemberIDNumber.Row(0)},
		{"negative row", pii.MemberIDNumber.Row(-1)},
		{"empty key", pii.JobFilePart.Key("")},
		{"no column", pii.Column("").Row(1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Encrypt(tt.at, "x"); err == nil {
				t.Error("Encrypt: no error")
			}
			if _, err := c.EncryptBytes(tt.at, []byte("x")); err == nil {
				t.Error("EncryptBytes: no error")
			}
			if _, err := c.Decrypt(tt.at, sealed); err == nil {
				t.Error("Decrypt: no error")
			}
			if _, err := c.DecryptBytes(tt.at, file); err == nil {
				t.Error("DecryptBytes: no error")
			}
		})
	}
}
