package model

import "context"

// UndatedSubmitted returns up to limit submitted applications without a
// due date, with only the columns that give one: id, submitted_at and
// created_at. They were submitted before migration 15 added due_on, which
// SQL alone cannot compute (it counts working days). They are one range
// of ix_applications_deadline (status, escalated_at, due_on): one without
// a due date was never escalated. The range is read in the index's order,
// unsorted: the caller dates each row it gets (SetDueOn), or the row no
// longer matches, so the next call starts on the ones left.
func (s *ApplicationStore) UndatedSubmitted(ctx context.Context, limit int) ([]Application, error) {
	var out []Application
	err := Conn(ctx, s.db).Model(&Application{}).Select("id, submitted_at, created_at").
		Where("status = ? AND escalated_at IS NULL AND due_on IS NULL", AppSubmitted).
		Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// SetDueOn gives the applications ids that are still submitted without a
// due date the due date dueOn (YYYY-MM-DD) and returns how many it
// changed: one decided, withdrawn or resubmitted meanwhile keeps its own.
// The version stays: nothing a reviewer holds becomes stale.
func (s *ApplicationStore) SetDueOn(ctx context.Context, ids []int64, dueOn string) (int64, error) {
	res := Conn(ctx, s.db).Model(&Application{}).
		Where("id IN ? AND status = ? AND due_on IS NULL", ids, AppSubmitted).
		UpdateColumn("due_on", dueOn)
	return res.RowsAffected, Translate(res.Error)
}
