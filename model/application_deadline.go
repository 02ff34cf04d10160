package model

import (
	"context"
	"time"
)

// Deadline notices, each recorded in its own column of applications.
const (
	NoticeReminder  = "reminded_at"     // 3 working days before due_on
	NoticeDueDay    = "due_reminded_at" // on due_on
	NoticeEscalated = "escalated_at"    // once overdue, to the parent federation
)

// DeadlineCandidates returns up to limit submitted applications, not yet
// escalated, due on or before dueBy (YYYY-MM-DD), in (due_on, id) order
// after the position (afterDue, afterID) ("" and 0: from the start). Only
// the columns the sweep needs are read. ix_applications_deadline bounds
// the scan to them.
func (s *ApplicationStore) DeadlineCandidates(ctx context.Context, dueBy, afterDue string, afterID int64, limit int) ([]Application, error) {
	q := Conn(ctx, s.db).Model(&Application{}).
		Select("id, org_id, status, name, due_on, reminded_at, due_reminded_at, escalated_at").
		Where("status = ? AND escalated_at IS NULL AND due_on <= ?", AppSubmitted, dueBy)
	if afterDue != "" {
		q = q.Where("(due_on > ? OR (due_on = ? AND id > ?))", afterDue, afterDue, afterID)
	}
	var out []Application
	err := q.Order("due_on").Order("id").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// MarkNotice records at now that the deadline notice column (one of the
// Notice* constants) went out for application id, provided it is still
// submitted with due date dueOn, not escalated, and the notice was not
// recorded yet; it reports whether this call recorded it. Call it in the
// transaction that writes the notice: of concurrent sweeps exactly one
// gets true (the conditional UPDATE decides, and changes a NULL column, so
// MySQL counts the row), and a sweep that dies before its commit leaves
// nothing recorded and nothing sent.
func (s *ApplicationStore) MarkNotice(ctx context.Context, id int64, dueOn, column string, now time.Time) (bool, error) {
	switch column {
	case NoticeReminder, NoticeDueDay, NoticeEscalated:
	default:
		panic("model: unknown deadline notice " + column)
	}
	q := Conn(ctx, s.db).Model(&Application{}).
		Where("id = ? AND status = ? AND due_on = ? AND escalated_at IS NULL", id, AppSubmitted, dueOn)
	if column != NoticeEscalated {
		q = q.Where(column + " IS NULL")
	}
	res := q.Update(column, now.UTC())
	if err := Translate(res.Error); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// AdminsAt returns the users holding one of roles at org, each once.
func (s *RoleStore) AdminsAt(ctx context.Context, orgID int64, roles []string) ([]int64, error) {
	var ids []int64
	err := Conn(ctx, s.db).Model(&RoleBinding{}).Distinct("user_id").
		Where("org_id = ? AND role IN ? AND revoked_at IS NULL", orgID, roles).Order("user_id").Pluck("user_id", &ids).Error
	return ids, Translate(err)
}
