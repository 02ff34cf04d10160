package fakewechat

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
)

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Body   []byte
}

// SentMessage is one subscribe message the fake accepted.
type SentMessage struct {
	ToUser           string
	TemplateID       string
	Page             string
	Data             map[string]string
	MiniprogramState string
	Lang             string
}

// maxBody bounds what the fake reads of a request body.
const maxBody = 1 << 20

// maxRecords bounds the requests and messages kept (the oldest go first), so
// a long-running development fake does not grow without end. Count is exact.
const maxRecords = 10000

// record stores r and returns its body.
func (s *Server) record(r *http.Request) []byte {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[r.URL.Path]++
	s.requests = appendBounded(s.requests, Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Body:   body,
	})
	return body
}

func appendBounded[T any](s []T, v T) []T {
	if len(s) >= maxRecords {
		s = slices.Delete(s, 0, len(s)-maxRecords+1)
	}
	return append(s, v)
}

// Requests returns a copy of the requests received so far (the latest
// 10000), in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Query = cloneValues(r.Query)
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// Count returns how many requests to path the fake has received.
func (s *Server) Count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

// SentMessages returns a copy of the subscribe messages accepted so far (the
// latest 10000).
func (s *Server) SentMessages() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SentMessage, len(s.messages))
	for i, m := range s.messages {
		m.Data = maps.Clone(m.Data)
		out[i] = m
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
