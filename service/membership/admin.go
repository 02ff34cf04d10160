package membership

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/pii"
)

var memberNoPattern = regexp.MustCompile(`^[0-9]{14}$`)

// List lists members in the caller's scope, newest first. q finds a member
// by exact name or member number; status filters.
func (s *Service) List(ctx context.Context, sc access.Scope, orgID int64, status, q string, p model.Page) ([]model.Member, *string, error) {
	if id, single := sc.SingleUnion(access.Review); orgID == 0 && single {
		orgID = id
	}
	f := model.MemberFilter{Paths: sc.Paths(access.Review), OrgID: orgID}
	if status != "" {
		if _, ok := codes.MemberStatus().ByCode(status); !ok {
			return nil, nil, service.E(service.KindMalformed, "参数 status 不是有效的会员状态")
		}
		f.Statuses = []string{status}
	}
	if q = strings.TrimSpace(q); q != "" {
		if memberNoPattern.MatchString(q) {
			f.MemberNo = q
		} else {
			f.Name = q
		}
	}
	rows, err := s.members.List(ctx, f, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(m model.Member) model.Cursor { return model.Cursor{At: m.CreatedAt, ID: m.ID} })
	return rows, next, nil
}

// Get returns a member in the caller's scope.
func (s *Service) Get(ctx context.Context, sc access.Scope, id int64) (*model.Member, error) {
	m, err := s.members.GetInScope(ctx, id, sc.Paths(access.Review))
	return m, notFound(err)
}

// Events lists a member's history, newest first.
func (s *Service) Events(ctx context.Context, sc access.Scope, id int64, p model.Page) ([]model.MembershipEvent, *string, error) {
	if _, err := s.Get(ctx, sc, id); err != nil {
		return nil, nil, err
	}
	rows, err := s.members.Events(ctx, id, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(e model.MembershipEvent) model.Cursor { return model.Cursor{At: e.CreatedAt, ID: e.ID} })
	return rows, next, nil
}

// Correction changes a member's record (随时更新). Nil fields stay.
type Correction struct {
	Version                                              *int
	Reason                                               string
	Name, Phone                                          *string
	Ethnicity, Education, PoliticalStatus, HouseholdType *string
	EmployerName, JobTitle, WorkType, DispatchAgencyName *string
	IsMigrantWorker, IsDispatched                        *bool
}

// Correct applies a correction with its reason; a `correction` event
// records it. The version must be current.
func (s *Service) Correct(ctx context.Context, sc access.Scope, id int64, c Correction) (*model.Member, error) {
	return s.CorrectTx(ctx, sc, id, c)
}

// CorrectTx is Correct inside the caller's transaction (an approved
// correction request applies it this way, API.md §10): the same checks,
// event, audit entry, counters and record_changed notice; the cached card
// is dropped once the caller's transaction commits.
func (s *Service) CorrectTx(ctx context.Context, sc access.Scope, id int64, c Correction) (*model.Member, error) {
	var bad []service.FieldError
	add := func(f, msg string) { bad = append(bad, service.FieldError{Field: f, Message: msg}) }
	if c.Version == nil {
		add("version", "缺少版本号，请刷新后重试")
	}
	reason := strings.TrimSpace(c.Reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		add("reason", "请填写更正原因（不超过500字）")
	} else if err := codes.CheckText(reason, "更正原因"); err != nil {
		add("reason", err.Error())
	}
	var out *model.Member
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		m, err := s.members.GetInScope(ctx, id, sc.Paths(access.Review))
		if err != nil {
			return notFound(err)
		}
		fields, changed := s.correctionFields(m, c, add)
		if err := service.Invalid(bad); err != nil {
			return err
		}
		if len(fields) == 0 {
			return service.InvalidField("reason", "没有需要更正的内容")
		}
		if *c.Version != m.Version {
			return errStale
		}
		fields["updated_at"] = s.now().UTC()
		if err := s.members.Update(ctx, m.ID, m.Version, fields); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStale
			}
			return err
		}
		after, err := s.members.Get(ctx, m.ID)
		if err != nil {
			return err
		}
		ev := &model.MembershipEvent{MemberID: m.ID, Type: "correction", Reason: &reason, ActorID: &sc.UserID}
		if err := s.changed(ctx, m, after, ev); err != nil {
			return err
		}
		if err := s.tellRecordChanged(ctx, m, ev.ID, fieldNames(changed), "工会更正了您的会员信息。"); err != nil {
			return err
		}
		out = after
		s.invalidate(ctx, m.ID)
		return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: m.OrgID, Action: "member.correct",
			Target: "member:" + itoa(m.ID), Detail: map[string]any{"fields": changed, "reason": reason}})
	})
	return out, err
}

// CheckCorrection validates the fields of c as a correction of m would,
// without writing anything, and returns their API names (a member's own
// correction request, API.md §10); the field paths of its errors are
// prefixed with prefix. A correction that changes nothing is 422 on
// prefix without its dot.
func (s *Service) CheckCorrection(m *model.Member, c Correction, prefix string) ([]string, error) {
	var bad []service.FieldError
	add := func(f, msg string) { bad = append(bad, service.FieldError{Field: prefix + f, Message: msg}) }
	fields, changed := s.correctionFields(m, c, add)
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, service.InvalidField(strings.TrimSuffix(prefix, "."), "请填写需要更正的内容")
	}
	return fieldNames(changed), nil
}

// correctionFields validates c against m and returns the columns to write.
func (s *Service) correctionFields(m *model.Member, c Correction, add func(string, string)) (map[string]any, []string) {
	fields := map[string]any{}
	var changed []string
	set := func(col string, v any) { fields[col] = v; changed = append(changed, col) }
	if c.Name != nil {
		if name, err := codes.CheckName(*c.Name, m.IDType); err != nil {
			add("name", err.Error())
		} else {
			set("name", name)
		}
	}
	if c.Phone != nil {
		p := codes.NormalizePhone(*c.Phone)
		if err := codes.CheckPhone(p); err != nil {
			add("phone", err.Error())
		} else if enc, err := s.pii.Encrypt(pii.MemberPhone.Row(m.ID), p); err == nil {
			set("phone_enc", enc)
			fields["phone_idx"] = s.pii.BlindIndexFor(pii.DomainPhone, p)
		}
	}
	lists := []struct {
		field, col, what string
		v                *string
		d                *codes.Dict
	}{
		{"ethnicity", "ethnicity", "民族", c.Ethnicity, codes.Ethnicity()},
		{"education", "education", "学历", c.Education, codes.Education()},
		{"political_status", "political_status", "政治面貌", c.PoliticalStatus, codes.PoliticalStatus()},
		{"household_type", "household_type", "户籍类型", c.HouseholdType, codes.HouseholdType()},
	}
	for _, l := range lists {
		if l.v == nil {
			continue
		}
		if e, ok := l.d.ByName(*l.v); ok {
			set(l.col, e.Name)
		} else {
			add(l.field, l.what+"不在可选范围内")
		}
	}
	if c.WorkType != nil {
		if *c.WorkType == "stable" || *c.WorkType == "floating" {
			set("work_type", *c.WorkType)
		} else {
			add("employment.work_type", "就业形式应为稳定就业（stable）或流动就业（floating）")
		}
	}
	for _, t := range []struct {
		field, col, what string
		v                *string
		max              int
	}{{"employment.employer_name", "employer_name", "工作单位", c.EmployerName, 200},
		{"employment.job_title", "job_title", "岗位", c.JobTitle, 100},
		{"employment.dispatch_agency_name", "dispatch_agency_name", "劳务派遣单位", c.DispatchAgencyName, 200}} {
		if t.v == nil {
			continue
		}
		if utf8.RuneCountInString(*t.v) > t.max {
			add(t.field, "内容太长")
		} else if err := codes.CheckLine(strings.TrimSpace(*t.v), t.what); err != nil {
			add(t.field, err.Error())
		} else {
			set(t.col, strings.TrimSpace(*t.v))
		}
	}
	if c.IsMigrantWorker != nil {
		set("is_migrant_worker", *c.IsMigrantWorker)
	}
	if c.IsDispatched != nil {
		set("is_dispatched", *c.IsDispatched)
	}
	return fields, changed
}
