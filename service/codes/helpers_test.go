package codes_test

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai without the host's zoneinfo

	"github.com/unionhub/unionhub/service/codes"
)

// shanghai is the default business zone (API.md §1).
var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// mkID builds a valid-looking 18-character ID number from a six-digit
// address code, an eight-digit birth date and a three-digit sequence.
func mkID(region, birth, seq string) string {
	first17 := region + birth + seq
	c := codes.IDCheckChar(first17)
	if c == 0 {
		panic("mkID: not 17 digits: " + first17)
	}
	return first17 + string(c)
}

// wantReason fails t unless err is a *codes.Error of reason ("" wants nil)
// with a non-empty message.
func wantReason(t *testing.T, err error, reason codes.Reason) {
	t.Helper()
	if reason == "" {
		if err != nil {
			t.Fatalf("got error %v (%s), want none", err, codes.ReasonOf(err))
		}
		return
	}
	var e *codes.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want *codes.Error with reason %s", err, reason)
	}
	if e.Reason != reason {
		t.Fatalf("got reason %s (%s), want %s", e.Reason, e.Message, reason)
	}
	if e.Message == "" || e.Error() != e.Message {
		t.Fatalf("reason %s: message %q, Error() %q", e.Reason, e.Message, e.Error())
	}
}
