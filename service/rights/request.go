package rights

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/pii"
)

// Fields are the member fields a correction request may ask to change:
// exactly those of an admin's correction (PATCH /admin/members/{id}).
type Fields struct {
	Name            *string     `json:"name,omitempty"`
	Phone           *string     `json:"phone,omitempty"`
	Ethnicity       *string     `json:"ethnicity,omitempty"`
	Education       *string     `json:"education,omitempty"`
	PoliticalStatus *string     `json:"political_status,omitempty"`
	HouseholdType   *string     `json:"household_type,omitempty"`
	Employment      *Employment `json:"employment,omitempty"`
}

// Employment is the employment part of Fields.
type Employment struct {
	EmployerName       *string `json:"employer_name,omitempty"`
	JobTitle           *string `json:"job_title,omitempty"`
	WorkType           *string `json:"work_type,omitempty"`
	IsMigrantWorker    *bool   `json:"is_migrant_worker,omitempty"`
	IsDispatched       *bool   `json:"is_dispatched,omitempty"`
	DispatchAgencyName *string `json:"dispatch_agency_name,omitempty"`
}

// correction turns f into a membership correction.
func (f Fields) correction() membership.Correction {
	c := membership.Correction{Name: f.Name, Phone: f.Phone, Ethnicity: f.Ethnicity, Education: f.Education,
		PoliticalStatus: f.PoliticalStatus, HouseholdType: f.HouseholdType}
	if e := f.Employment; e != nil {
		c.EmployerName, c.JobTitle, c.WorkType = e.EmployerName, e.JobTitle, e.WorkType
		c.IsMigrantWorker, c.IsDispatched, c.DispatchAgencyName = e.IsMigrantWorker, e.IsDispatched, e.DispatchAgencyName
	}
	return c
}

// Request is a user's correction request or dispute.
type Request struct {
	Kind    string
	Fields  *Fields // kind correction
	EventID int64   // kind not_me
	Reason  string
}

// Create files the caller's request about their member record (the newest
// linked to them, whatever its status) or, without one, their open
// application. One pending request per kind per user (409); due_on is the
// submission date plus 15 working days.
func (s *Service) Create(ctx context.Context, userID int64, req Request) (*model.RightsRequest, error) {
	var bad []service.FieldError
	add := func(f, msg string) { bad = append(bad, service.FieldError{Field: f, Message: msg}) }
	switch req.Kind {
	case model.RightsCorrection:
		if req.Fields == nil {
			add("fields", "请填写需要更正的内容")
		}
	case model.RightsNotMe:
		if req.EventID == 0 {
			add("event_id", "请选择有异议的会籍变更记录")
		}
	default:
		add("kind", "申请类型应为更正（correction）或非本人操作（not_me）")
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		add("reason", "请填写申请理由（不超过500字）")
	} else if err := codes.CheckText(reason, "申请理由"); err != nil {
		add("reason", err.Error())
	}
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	var out *model.RightsRequest
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		now := s.now().UTC()
		r := &model.RightsRequest{ID: model.NewID(), UserID: userID, Kind: req.Kind, Status: model.RightsPending,
			Reason: reason, DueOn: s.calendar.AddWorkingDays(s.Today(), DueWorkingDays).String(), Version: 1,
			CreatedAt: now, UpdatedAt: now}
		key := strconv.FormatInt(userID, 10) + ":" + req.Kind
		r.PendingKey = &key
		subject, err := s.subject(ctx, userID, r)
		if err != nil {
			return err
		}
		if err := s.check(ctx, subject, req, r); err != nil {
			return err
		}
		if err := s.requests.Create(ctx, r); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return service.E(service.KindConflict, "您已有一份同类申请正在处理，请等待结果")
			}
			return err
		}
		out = r
		detail := map[string]any{"kind": r.Kind}
		if r.FieldNames != nil {
			detail["fields"] = strings.Split(*r.FieldNames, ",")
		}
		return s.record(ctx, audit.Entry{ActorID: userID, OrgID: r.OrgID, Action: "rights.request",
			Target: "rights_request:" + strconv.FormatInt(r.ID, 10), Detail: detail})
	})
	return out, err
}

// subject finds what r is about: the user's member record, else their open
// application; it sets r's member or application and union.
func (s *Service) subject(ctx context.Context, userID int64, r *model.RightsRequest) (*model.Member, error) {
	m, err := s.roll.LatestForUser(ctx, userID)
	if err == nil {
		r.MemberID, r.OrgID = &m.ID, m.OrgID
		return m, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	a, err := s.apps.Open(ctx, userID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && a.Status == model.AppDraft) {
		return nil, errNoRecord
	}
	if err != nil {
		return nil, err
	}
	r.ApplicationID, r.OrgID = &a.ID, a.OrgID
	// The application's person, checked by the rules of a member's
	// correction (the id only binds the throwaway sealed phone).
	return &model.Member{ID: a.ID, Person: model.Person{Name: a.Name, IDType: a.IDType}}, nil
}

// check validates the kind's part of req against the subject and fills r.
func (s *Service) check(ctx context.Context, m *model.Member, req Request, r *model.RightsRequest) error {
	if req.Kind == model.RightsNotMe {
		if r.MemberID == nil {
			return service.InvalidField("event_id", "您还没有会员记录，没有可提出异议的会籍变更")
		}
		ev, err := s.roll.EventOf(ctx, *r.MemberID, req.EventID)
		if errors.Is(err, model.ErrNotFound) {
			return service.InvalidField("event_id", "没有找到您本人会员记录中的这条变更")
		}
		if err != nil {
			return err
		}
		r.EventID = &ev.ID
		return nil
	}
	names, err := s.members.CheckCorrection(m, req.Fields.correction(), "fields.")
	if err != nil {
		return err
	}
	raw, err := json.Marshal(req.Fields)
	if err != nil {
		return err
	}
	sealed, err := s.pii.Encrypt(pii.RightsFields.Row(r.ID), string(raw))
	if err != nil {
		return err
	}
	joined := strings.Join(names, ",")
	r.FieldsEnc, r.FieldNames = &sealed, &joined
	return nil
}

// Requested opens the values a correction request asks for; nil for a
// not_me request.
func (s *Service) Requested(r *model.RightsRequest) (*Fields, error) {
	if r.FieldsEnc == nil {
		return nil, nil
	}
	raw, err := s.pii.Decrypt(pii.RightsFields.Row(r.ID), *r.FieldsEnc)
	if err != nil {
		return nil, err
	}
	var f Fields
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Mine lists the caller's requests, newest first, with their outcome.
func (s *Service) Mine(ctx context.Context, userID int64, p model.Page) ([]model.RightsRequest, *string, error) {
	rows, err := s.requests.ListForUser(ctx, userID, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(r model.RightsRequest) model.Cursor { return model.Cursor{At: r.CreatedAt, ID: r.ID} })
	return rows, next, nil
}
