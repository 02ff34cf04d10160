package api

import "time"

// at is t as a reply carries it (API.md §1): in the business time zone with
// its offset, whole seconds (`2026-11-27T08:00:00+08:00`), whatever zone the
// database or the server's clock gave it in.
func (s *Server) at(t time.Time) time.Time {
	return t.In(s.cfg.Location()).Truncate(time.Second)
}

// atp is at for an optional time.
func (s *Server) atp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := s.at(*t)
	return &v
}
