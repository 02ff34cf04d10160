package card

import (
	"reflect"
	"testing"
)

func TestStateCodec(t *testing.T) {
	states := []state{
		{},
		{Status: "active", CardVersion: 3, MemberNo: "42010600000017", NameMasked: "张*", SealedName: "k1:abc==",
			UserID: 1 << 62, OrgID: 7, OrgPath: "/1/7/", UnionName: "武汉光谷:制造;有限公司工会", JoinedOn: "2026-01-05", PhotoID: 9},
		{Status: "retained", CardVersion: -1, UnionName: "12:34;", OrgPath: ":", SealedName: "\x00\n"},
	}
	for _, st := range states {
		got, err := decodeState(st.encode())
		if err != nil || !reflect.DeepEqual(*got, st) {
			t.Errorf("round trip of %+v = %+v, %v", st, got, err)
		}
	}
	good := states[1].encode()
	for _, bad := range []string{"", "-", `{"s":"active","v":1}`, "c1;", good[:len(good)-1], good + "x",
		"c1;99:active", "c1;-1:x", "c1;x:y"} {
		if st, err := decodeState(bad); err == nil {
			t.Errorf("decodeState(%q) = %+v, want an error", bad, st)
		}
	}
}

func FuzzStateCodec(f *testing.F) {
	f.Add("active", "张*", "/1/7/", int64(3), int64(7))
	f.Add("", "1:2;", ":;", int64(-1), int64(0))
	f.Fuzz(func(t *testing.T, status, name, path string, cv, id int64) {
		st := state{Status: status, NameMasked: name, OrgPath: path, CardVersion: int(int32(cv)), OrgID: id, UserID: id}
		got, err := decodeState(st.encode())
		if err != nil || !reflect.DeepEqual(*got, st) {
			t.Fatalf("round trip of %+v = %+v, %v", st, got, err)
		}
		_, _ = decodeState(status + path) // never panics
	})
}
