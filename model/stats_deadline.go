package model

import (
	"context"
	"time"
)

// PathCount is a number for one org, named by its path.
type PathCount struct {
	Path string
	N    int64
}

// CountOverdue counts the overdue applications (submitted, due before
// today, YYYY-MM-DD) of each org under path. Its cost is one range of
// ix_applications_due (org_id, status, due_on) per org of the subtree, as
// long as that org's overdue list: it grows with the overdue
// applications, never with the members.
func (s *StatsStore) CountOverdue(ctx context.Context, path, today string) ([]PathCount, error) {
	var out []PathCount
	err := Conn(ctx, s.db).Table("applications AS a").Select("o.path AS path, COUNT(*) AS n").
		Joins("JOIN orgs o ON o.id = a.org_id").Scopes(InSubtrees([]string{path}, "o")).
		Where("a.status = ? AND a.due_on < ?", AppSubmitted, today).Group("o.path").Scan(&out).Error
	return out, Translate(err)
}

// PendingSince is a submitted application's union and submission time.
type PendingSince struct {
	Path        string
	SubmittedAt time.Time
}

// EachPending streams the submitted applications under path with their
// union's path (for the report's ageing sheet): the pending part of
// ix_applications_review, one range per org, from the index alone.
func (s *StatsStore) EachPending(ctx context.Context, path string, fn func(PendingSince) error) error {
	q := Conn(ctx, s.db).Table("applications AS a").Select("o.path AS path, a.submitted_at").
		Joins("JOIN orgs o ON o.id = a.org_id").Scopes(InSubtrees([]string{path}, "o")).
		Where("a.status = ? AND a.submitted_at IS NOT NULL", AppSubmitted)
	return eachRow(q, fn)
}
