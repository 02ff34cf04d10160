package card_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// BenchmarkIssueToken signs card tokens (the cost GET /me/card adds to
// its one query).
func BenchmarkIssueToken(b *testing.B) {
	f := newFixture(b, modeltest.Backends()[0])
	m := f.member(f.union)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.svc.IssueToken(m.ID, m.MemberNo, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMyCard is GET /me/card without HTTP: the member and union from
// the database (SQLite), then a token.
func BenchmarkMyCard(b *testing.B) {
	f := newFixture(b, modeltest.Backends()[0])
	m := f.member(f.union)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.svc.MyCard(context.Background(), *m.UserID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cpuPerOp reports the process's CPU time per operation (user + system,
// every goroutine: the log writer and GC included), which other load on the
// machine does not inflate the way it does ns/op. Call the result last.
func cpuPerOp(b *testing.B) func() {
	b.Helper()
	var start syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &start)
	return func() {
		var end syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &end)
		cpu := time.Duration(end.Utime.Nano() + end.Stime.Nano() - start.Utime.Nano() - start.Stime.Nano())
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	}
}

// verifyTokens signs 20 tokens for each of 100 members.
func verifyTokens(b *testing.B, f *fixture) []string {
	b.Helper()
	var tokens []string
	for range 100 {
		m := f.member(f.union)
		for range 20 {
			t, err := f.svc.IssueToken(m.ID, m.MemberNo, 1)
			if err != nil {
				b.Fatal(err)
			}
			tokens = append(tokens, t.Token)
		}
	}
	return tokens
}

// BenchmarkVerifyFloor only checks the same tokens' Ed25519 signatures:
// the crypto floor BenchmarkVerify is measured against (DESIGN §7).
func BenchmarkVerifyFloor(b *testing.B) {
	f := newFixture(b, modeltest.Backends()[0])
	pub := f.ring.Keys[0].Public
	tokens := verifyTokens(b, f)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			tok := tokens[i%len(tokens)]
			dot := strings.LastIndexByte(tok, '.')
			sig, err := base64.RawURLEncoding.DecodeString(tok[dot+1:])
			if err != nil || !ed25519.Verify(pub, []byte(tok[:dot]), sig) {
				b.Fatal("bad signature")
			}
			i += 7
		}
	})
}

// BenchmarkVerify is POST /verify without HTTP: many distinct tokens of
// 100 members, status from the (in-process) cache, records queued and
// written in batches to SQLite by the running writer.
func BenchmarkVerify(b *testing.B) {
	f := newFixture(b, modeltest.Backends()[0])
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.svc.Run(ctx) }()
	defer func() { cancel(); <-done; _ = f.svc.Close(context.Background()) }()
	tokens := verifyTokens(b, f)
	for _, t := range tokens[:100] { // warm the cache as a running node has it
		if r, err := f.svc.Verify(ctx, f.verifier, t, 0); err != nil || !r.Valid {
			b.Fatalf("%+v %v", r, err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	report := cpuPerOp(b)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			r, err := f.svc.Verify(ctx, f.verifier, tokens[i%len(tokens)], 0)
			if err != nil || !r.Valid {
				b.Fatalf("%+v %v", r, err)
			}
			i += 7
		}
	})
	// The log rows of this run are written before the clock stops: their
	// cost is part of a verification.
	if err := f.svc.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	report()
	b.StopTimer()
	b.ReportMetric(float64(f.svc.Dropped()), "dropped")
}

// BenchmarkLogWrite is the verification log's writer: rows per second it
// can put into SQLite in batches of 500.
func BenchmarkLogWrite(b *testing.B) {
	f := newFixture(b, modeltest.Backends()[0])
	store := model.NewVerificationStore(f.db)
	rows := make([]model.Verification, 500)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := 0; i < b.N; i += len(rows) {
		for j := range rows {
			rows[j] = model.Verification{ID: model.NewID(), VerifierID: 1, Result: "valid", CreatedAt: f.clock.Now()}
		}
		if err := store.InsertBatch(context.Background(), rows); err != nil {
			b.Fatal(err)
		}
	}
}
