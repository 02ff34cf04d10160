package access

// SeesFullNames reports whether the caller sees the names of the people of
// orgID in full: only as the union's own chair or staff, bound at orgID
// itself (API.md §1, Lists of people). Federation admins above it, however
// high, see them masked; so does a verifier.
func (s Scope) SeesFullNames(orgID int64) bool {
	for _, b := range s.Bindings {
		if b.OrgID == orgID && (b.Role == UnionChair || b.Role == UnionStaff) {
			return true
		}
	}
	return false
}
