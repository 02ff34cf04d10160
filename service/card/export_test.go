package card

// IssueToken exposes token signing to the benchmarks.
func (s *Service) IssueToken(memberID int64, memberNo string, cardVersion int) (Token, error) {
	return s.issue(memberID, memberNo, cardVersion)
}
