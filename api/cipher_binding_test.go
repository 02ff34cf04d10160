package api_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

// cell is one stored value: a column of a row.
type cell struct {
	table, column string
	id            string
}

func (e *testEnv) cellValue(t *testing.T, c cell) string {
	t.Helper()
	var v *string
	if err := e.db.Raw("SELECT "+c.column+" FROM "+c.table+" WHERE id = ?", mustID(t, c.id)).Scan(&v).Error; err != nil {
		t.Fatal(err)
	}
	if v == nil {
		t.Fatalf("%s.%s of %s is NULL", c.table, c.column, c.id)
	}
	return *v
}

func (e *testEnv) setCell(t *testing.T, c cell, v string) {
	t.Helper()
	if err := e.db.Exec("UPDATE "+c.table+" SET "+c.column+" = ? WHERE id = ?", v, mustID(t, c.id)).Error; err != nil {
		t.Fatal(err)
	}
}

// swapCells exchanges two stored values, as someone who can write the
// database (and nothing else) could.
func (e *testEnv) swapCells(t *testing.T, a, b cell) {
	t.Helper()
	va, vb := e.cellValue(t, a), e.cellValue(t, b)
	e.setCell(t, a, vb)
	e.setCell(t, b, va)
}

// read is a request that shows a sealed value (masked or in full).
type read struct {
	path  string
	token string
}

// TestSwappedCiphertextsDoNotOpen: a sealed value is bound to its table,
// column and row, so one moved to another row or column makes the reply
// fail (500) instead of showing the other person's data under this one.
func TestSwappedCiphertextsDoNotOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		admin := tr.chair1.Access
		tests := []struct {
			name string
			// setup makes the two cells to swap and the reads that show them.
			setup func() (a, b cell, reads []read)
		}{
			{"users.phone_enc of two users", func() (cell, cell, []read) {
				m1, m2 := tr.member(tr.u1), tr.member(tr.u1)
				return cell{"users", "phone_enc", m1.UserID}, cell{"users", "phone_enc", m2.UserID},
					[]read{{"/api/v1/me", m1.Access}, {"/api/v1/me", m2.Access}}
			}},
			{"members.phone_enc of two members", func() (cell, cell, []read) {
				m1, m2 := tr.member(tr.u1), tr.member(tr.u1)
				return cell{"members", "phone_enc", m1.MemberID}, cell{"members", "phone_enc", m2.MemberID},
					[]read{{"/api/v1/admin/members/" + m1.MemberID, admin}, {"/api/v1/admin/members/" + m2.MemberID, admin}}
			}},
			{"members.id_number_enc of two members", func() (cell, cell, []read) {
				m1, m2 := tr.member(tr.u1), tr.member(tr.u1)
				return cell{"members", "id_number_enc", m1.MemberID}, cell{"members", "id_number_enc", m2.MemberID},
					[]read{{"/api/v1/admin/members/" + m1.MemberID, admin}, {"/api/v1/admin/members/" + m2.MemberID, admin}}
			}},
			{"id_number_enc and phone_enc of one member", func() (cell, cell, []read) {
				m := tr.member(tr.u1)
				return cell{"members", "id_number_enc", m.MemberID}, cell{"members", "phone_enc", m.MemberID},
					[]read{{"/api/v1/admin/members/" + m.MemberID, admin}}
			}},
			{"members.id_number_enc and the application's", func() (cell, cell, []read) {
				m, a := tr.member(tr.u1), tr.application(tr.u1)
				return cell{"members", "id_number_enc", m.MemberID}, cell{"applications", "id_number_enc", a.ID},
					[]read{{"/api/v1/admin/members/" + m.MemberID, admin}, {"/api/v1/admin/applications/" + a.ID, admin}}
			}},
			{"applications.phone_enc of two applications", func() (cell, cell, []read) {
				a1, a2 := tr.application(tr.u1), tr.application(tr.u1)
				return cell{"applications", "phone_enc", a1.ID}, cell{"applications", "phone_enc", a2.ID},
					[]read{{"/api/v1/admin/applications/" + a1.ID, admin}, {"/api/v1/admin/applications/" + a2.ID, admin}}
			}},
			{"id_number_enc and phone_enc of one application", func() (cell, cell, []read) {
				a := tr.application(tr.u1)
				return cell{"applications", "id_number_enc", a.ID}, cell{"applications", "phone_enc", a.ID},
					[]read{{"/api/v1/admin/applications/" + a.ID, admin}}
			}},
			{"uploads.storage_key of two files", func() (cell, cell, []read) {
				tr.n++
				w := e.newApplicant("13600000001", idNumber("19900101", tr.n))
				return cell{"uploads", "storage_key", w.front}, cell{"uploads", "storage_key", w.back},
					[]read{{"/api/v1/uploads/" + w.front, w.Access}, {"/api/v1/uploads/" + w.back, w.Access}}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a, b, reads := tt.setup()
				for _, r := range reads {
					if got := e.do("GET", r.path, nil, r.token); got.Status != 200 {
						t.Fatalf("before the swap: GET %s = %d: %s", r.path, got.Status, got.Raw)
					}
				}
				e.swapCells(t, a, b)
				for _, r := range reads {
					got := e.do("GET", r.path, nil, r.token)
					if got.Status != 500 || got.Code != 50000 || string(got.Data) != "" {
						t.Errorf("after the swap: GET %s = %d/%d, data %s; want 500/50000 and no data", r.path, got.Status, got.Code, got.Data)
					}
				}
			})
		}
	})
}

// sealV1 seals plaintext as the release before slots did: "v1.<kid>." and
// AES-GCM with only that header as associated data.
func sealV1(t *testing.T, keys pii.Keys, plaintext string) string {
	t.Helper()
	block, err := aes.NewCipher(keys.EncKeys[keys.ActiveKeyID])
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	header := "v1." + keys.ActiveKeyID + "."
	return header + base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(plaintext), []byte(header)))
}

// TestOldFormatCiphertextsStillOpen: values sealed before slots existed
// (format v1) are still read, in every column.
func TestOldFormatCiphertextsStillOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		keys, err := pii.LoadOrCreateDevKeys(e.cfg.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		m := tr.member(tr.u1)
		a := tr.application(tr.u1)
		old := map[cell]string{
			{"users", "phone_enc", m.UserID}:         "13512345678",
			{"members", "phone_enc", m.MemberID}:     "13512345678",
			{"members", "id_number_enc", m.MemberID}: "42011119850505123X",
			{"applications", "phone_enc", a.ID}:      "13787654321",
			{"applications", "id_number_enc", a.ID}:  "420111198505051248",
		}
		for c, v := range old {
			e.setCell(t, c, sealV1(t, keys, v))
		}
		var me struct {
			PhoneMasked string `json:"phone_masked"`
		}
		e.do("GET", "/api/v1/me", nil, m.Access).expect(t, 200, 0).decode(t, &me)
		var mv struct {
			IDNumberMasked string `json:"id_number_masked"`
			PhoneMasked    string `json:"phone_masked"`
		}
		e.do("GET", "/api/v1/admin/members/"+m.MemberID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &mv)
		var av struct {
			IDNumber string `json:"id_number"`
			Phone    string `json:"phone"`
		}
		e.do("GET", "/api/v1/admin/applications/"+a.ID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &av)
		for _, c := range []struct{ name, got, want string }{
			{"me phone", me.PhoneMasked, pii.MaskPhone("13512345678")},
			{"member phone", mv.PhoneMasked, pii.MaskPhone("13512345678")},
			{"member id number", mv.IDNumberMasked, pii.MaskIDNumber("42011119850505123X")},
			{"application id number", av.IDNumber, "420111198505051248"},
			{"application phone", av.Phone, "13787654321"},
		} {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
			}
		}
	})
}
