package fakewechat

import (
	"net/http"
	"time"
)

// Fault is what an injected failure does to one request. Delay is applied
// first (ending early if the client goes away); then the first of Drop,
// Status and Errcode that is set decides the answer. A Fault with only a
// Delay lets the request through, late.
type Fault struct {
	// Delay stalls the answer.
	Delay time.Duration
	// Drop closes the connection without an answer (a network error).
	Drop bool
	// Status answers with this HTTP status and a plain-text body.
	Status int
	// Errcode answers {"errcode","errmsg"} with HTTP 200; Errmsg defaults to
	// WeChat's message for the code.
	Errcode int
	Errmsg  string
}

// Inject makes the next n requests to path (such as "/sns/jscode2session")
// suffer f. Injected faults queue up in order.
func (s *Server) Inject(path string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[path] = append(s.faults[path], f)
	}
}

// FailNext makes the next n requests to path answer errcode.
func (s *Server) FailNext(path string, n, errcode int) {
	s.Inject(path, n, Fault{Errcode: errcode})
}

// DelayNext makes the next n requests to path wait d before being answered
// normally.
func (s *Server) DelayNext(path string, n int, d time.Duration) {
	s.Inject(path, n, Fault{Delay: d})
}

// ClearFaults drops every injected fault not yet used.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

func (s *Server) nextFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[path]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[path] = q[1:]
	return q[0], true
}

// apply carries out f and reports whether it answered the request.
func (f Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler) // no hijacking (HTTP/2): abort the stream
	case f.Status != 0:
		http.Error(w, "fake fault", f.Status)
		return true
	case f.Errcode != 0:
		msg := f.Errmsg
		if msg == "" {
			msg = Errmsg(f.Errcode)
		}
		writeErrorMsg(w, f.Errcode, msg)
		return true
	}
	return false
}
