package card

import (
	"errors"
	"strconv"
	"strings"
)

// A cached state is read on every verification and every card fetch, so it
// is kept in a small positional format rather than JSON (whose decoding
// was a tenth of a card fetch): stateFormat, then each field in the order
// of encode, a string as "<length>:<bytes>", a number as "<digits>;".
// A value in any other format (an older release's) reads as a miss.
const stateFormat = "c1;"

var errStateFormat = errors.New("card: cached state in another format")

func (st *state) encode() string {
	b := make([]byte, 0, 96+len(st.SealedName)+len(st.UnionName)+len(st.OrgPath))
	b = append(b, stateFormat...)
	for _, s := range []string{st.Status, st.MemberNo, st.NameMasked, st.SealedName, st.OrgPath, st.UnionName, st.JoinedOn} {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	for _, n := range []int64{int64(st.CardVersion), st.UserID, st.OrgID, st.PhotoID} {
		b = strconv.AppendInt(b, n, 10)
		b = append(b, ';')
	}
	return string(b)
}

func decodeState(v string) (*state, error) {
	rest, ok := strings.CutPrefix(v, stateFormat)
	if !ok {
		return nil, errStateFormat
	}
	d := stateDecoder{rest: rest}
	st := &state{}
	for _, p := range []*string{&st.Status, &st.MemberNo, &st.NameMasked, &st.SealedName, &st.OrgPath, &st.UnionName, &st.JoinedOn} {
		*p = d.text()
	}
	var cv int64
	for _, p := range []*int64{&cv, &st.UserID, &st.OrgID, &st.PhotoID} {
		*p = d.number()
	}
	if d.bad || d.rest != "" {
		return nil, errStateFormat
	}
	st.CardVersion = int(cv)
	return st, nil
}

// stateDecoder reads the fields of an encoded state in turn; bad is set
// by the first field that does not parse.
type stateDecoder struct {
	rest string
	bad  bool
}

func (d *stateDecoder) text() string {
	n, rest, found := strings.Cut(d.rest, ":")
	size, err := strconv.Atoi(n)
	if !found || err != nil || size < 0 || size > len(rest) {
		d.bad, d.rest = true, ""
		return ""
	}
	d.rest = rest[size:]
	return rest[:size]
}

func (d *stateDecoder) number() int64 {
	n, rest, found := strings.Cut(d.rest, ";")
	v, err := strconv.ParseInt(n, 10, 64)
	if !found || err != nil {
		d.bad, d.rest = true, ""
		return 0
	}
	d.rest = rest
	return v
}
