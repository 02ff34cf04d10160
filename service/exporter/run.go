package exporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/pii"
)

// Handle runs export job j: the jobs Worker's handler for JobKind. It
// writes the members on the roll of the org's subtree, union by union and
// within a union by id in batches, into a new job file; an attempt taken
// over after a crash starts again and deletes what the dead one wrote.
func (s *Service) Handle(ctx context.Context, j *jobs.Job) (any, error) {
	var pl payload
	if err := j.Decode(&pl); err != nil {
		return nil, fmt.Errorf("export %d: payload: %w", j.ID, err)
	}
	if len(j.Result) > 0 {
		var prev Progress
		if json.Unmarshal(j.Result, &prev) == nil && prev.Prefix != "" {
			if err := s.files.Discard(ctx, prev.Prefix); err != nil {
				return nil, err
			}
		}
	}
	o, err := s.orgs.Get(ctx, j.OrgID)
	if err != nil {
		return nil, err
	}
	fw := s.files.NewWriter(ctx)
	rows, err := s.write(ctx, j, o, pl.Format, fw)
	if err == nil {
		err = fw.Close()
	}
	if err != nil {
		fw.Abort()
		var se *service.Error
		if errors.As(err, &se) {
			return Progress{Rows: rows, Message: se.Message}, err
		}
		return nil, err
	}
	now := s.now()
	name := filename(o, pl.Format, now.In(s.loc))
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		if _, err := s.files.Record(ctx, fw, jobfile.Meta{JobID: j.ID, Kind: model.JobFileExportOutput,
			OwnerID: j.CreatedBy, OrgID: o.ID, Filename: name, ContentType: contentType(pl.Format), TTL: FileTTL}); err != nil {
			return err
		}
		return s.record(ctx, orgAudit(j.CreatedBy, o.ID, "export.done", j.ID,
			map[string]any{"format": pl.Format, "reason": pl.Reason, "rows": rows}))
	})
	if err != nil {
		fw.Abort()
		return nil, err
	}
	return Progress{Rows: rows}, nil
}

// write streams the rows into fw and returns how many it wrote.
func (s *Service) write(ctx context.Context, j *jobs.Job, o *model.Org, format string, fw *jobfile.Writer) (int, error) {
	var (
		rw  rowWriter
		err error
		row func(member) []string
	)
	switch format {
	case FormatCSV:
		rw, err = newCSV(fw, rosterHeader)
		row = rosterRow
	case FormatNational:
		rw, err = newXLSX(fw, "会员信息", nationalHeader)
		day := func(e *model.MembershipEvent) string { return e.CreatedAt.In(s.loc).Format("20060102") }
		row = func(m member) []string { return nationalRow(m, day) }
	default:
		rw, err = newXLSX(fw, "会员名册", rosterHeader)
		row = rosterRow
	}
	if err != nil {
		return 0, err
	}
	unions, err := s.orgs.GrassrootsUnder(ctx, o.Path)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range unions {
		if n, err = s.writeUnion(ctx, j, &unions[i], format, rw, row, n, fw.Prefix()); err != nil {
			return n, err
		}
	}
	return n, rw.Close()
}

// writeUnion writes one union's roll, a batch at a time, and records the
// progress after each batch.
func (s *Service) writeUnion(ctx context.Context, j *jobs.Job, u *model.Org, format string, rw rowWriter,
	row func(member) []string, n int, prefix string) (int, error) {
	after := int64(0)
	for {
		ms, err := s.members.OnRollAfter(ctx, u.ID, after, s.batchSize)
		if err != nil || len(ms) == 0 {
			return n, err
		}
		var events map[int64]map[string]model.MembershipEvent
		if format == FormatNational {
			ids := make([]int64, len(ms))
			for i := range ms {
				ids[i] = ms[i].ID
			}
			if events, err = s.members.NationalEvents(ctx, ids, onRollChanges); err != nil {
				return n, err
			}
		}
		for i := range ms {
			r := member{m: &ms[i], union: u}
			if r.idNumber, err = s.pii.Decrypt(pii.MemberIDNumber.Row(ms[i].ID), ms[i].IDNumberEnc); err != nil {
				return n, fmt.Errorf("member %d: %w", ms[i].ID, err)
			}
			if ms[i].PhoneEnc != nil {
				if r.phone, err = s.pii.Decrypt(pii.MemberPhone.Row(ms[i].ID), *ms[i].PhoneEnc); err != nil {
					return n, fmt.Errorf("member %d: %w", ms[i].ID, err)
				}
			}
			r.event = rollEvent(&ms[i], events[ms[i].ID])
			if err := rw.Write(row(r)); err != nil {
				return n, err
			}
			n++
		}
		after = ms[len(ms)-1].ID
		if err := s.queue.SetProgress(ctx, j.ID, j.LeaseOwner, Progress{Rows: n, Prefix: prefix}); err != nil {
			return n, err
		}
	}
}

// filename names the file after the union and the day, without
// characters file systems refuse.
func filename(o *model.Org, format string, now time.Time) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, o.Name)
	if r := []rune(clean); len(r) > 60 {
		clean = string(r[:60])
	}
	kind, ext := "会员名册", ".xlsx"
	switch format {
	case FormatCSV:
		ext = ".csv"
	case FormatNational:
		kind = "会员信息上报"
	}
	return kind + "-" + clean + "-" + now.Format("20060102-1504") + ext
}

func contentType(format string) string {
	if format == FormatCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

func orgAudit(actor, orgID int64, action string, jobID int64, detail map[string]any) audit.Entry {
	return audit.Entry{ActorID: actor, OrgID: orgID, Action: action, Target: "job:" + itoa(jobID), Detail: detail}
}
