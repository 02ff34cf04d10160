package application

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/pii"
)

// idIndexDomain keeps the ID-number blind index apart from the phone's.
const idIndexDomain = pii.DomainIDNumber

// unreferencedTTL: an upload no form uses is deleted after a day.
const unreferencedTTL = 24 * time.Hour

// AfterSave runs inside the transaction that saved an application, e.g. to
// store the reply of an idempotent request with it.
type AfterSave func(ctx context.Context, a *model.Application) error

// Create saves a new application as a draft, or submits it at once. The
// unique open_key makes a second open application fail in the database
// (40902), whatever the timing.
func (s *Service) Create(ctx context.Context, userID int64, f Form, submit bool, after AfterSave) (*model.Application, error) {
	var out *model.Application
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		now := s.now().UTC()
		a := &model.Application{ID: model.NewID(), UserID: userID, Status: model.AppDraft, Version: 1,
			OpenKey: &userID, CreatedAt: now, UpdatedAt: now}
		if err := s.fill(ctx, a, f, submit); err != nil {
			return err
		}
		if submit {
			if err := s.prepareSubmit(ctx, a); err != nil {
				return err
			}
		}
		if err := s.apps.Create(ctx, a); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return errOpenExists
			}
			return err
		}
		if err := s.uploads.SetDeleteAfter(ctx, uploadIDs(a), nil); err != nil {
			return err
		}
		if submit {
			if err := s.afterSubmit(ctx, a, model.EventSubmitted); err != nil {
				return err
			}
		}
		out = a
		if after != nil {
			return after(ctx, a)
		}
		return nil
	})
	return out, err
}

// Update replaces the form of the caller's draft or returned application;
// with submit it also submits it (a returned one is resubmitted), in the
// same transaction: a form that cannot be submitted changes nothing.
func (s *Service) Update(ctx context.Context, userID, id int64, f Form, submit bool) (*model.Application, error) {
	var out *model.Application
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		a, err := s.apps.GetOwned(ctx, id, userID)
		if err != nil {
			return notFound(err)
		}
		if a.Status != model.AppDraft && a.Status != model.AppReturned {
			return service.E(service.KindConflict, "申请已提交，不能再修改")
		}
		before := uploadIDs(a)
		next := *a
		if err := s.fill(ctx, &next, f, submit); err != nil {
			return err
		}
		next.UpdatedAt = s.now().UTC()
		if submit {
			if err := s.prepareSubmit(ctx, &next); err != nil {
				return err
			}
		}
		if err := s.save(ctx, a, &next, []string{a.Status}); err != nil {
			return err
		}
		if err := s.rescheduleUploads(ctx, before, uploadIDs(&next)); err != nil {
			return err
		}
		out = &next
		if !submit {
			return nil
		}
		kind := model.EventSubmitted
		if a.Status == model.AppReturned {
			kind = model.EventResubmitted
		}
		return s.afterSubmit(ctx, &next, kind)
	})
	return out, err
}

// Submit sends the caller's draft or returned application for review; an
// incomplete form is 422 with every missing field.
func (s *Service) Submit(ctx context.Context, userID, id int64) (*model.Application, error) {
	var out *model.Application
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		a, err := s.apps.GetOwned(ctx, id, userID)
		if err != nil {
			return notFound(err)
		}
		if a.Status != model.AppDraft && a.Status != model.AppReturned {
			return service.E(service.KindConflict, "该申请当前不能提交")
		}
		f, err := s.formOf(a)
		if err != nil {
			return err
		}
		next := *a
		if err := s.fill(ctx, &next, f, true); err != nil {
			return err
		}
		if err := s.prepareSubmit(ctx, &next); err != nil {
			return err
		}
		if err := s.save(ctx, a, &next, []string{a.Status}); err != nil {
			return err
		}
		out = &next
		kind := model.EventSubmitted
		if a.Status == model.AppReturned {
			kind = model.EventResubmitted
		}
		return s.afterSubmit(ctx, &next, kind)
	})
	return out, err
}

// Withdraw ends the caller's open application.
func (s *Service) Withdraw(ctx context.Context, userID, id int64) (*model.Application, error) {
	var out *model.Application
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		a, err := s.apps.GetOwned(ctx, id, userID)
		if err != nil {
			return notFound(err)
		}
		if a.OpenKey == nil {
			return service.E(service.KindConflict, "该申请已办结，不能撤回")
		}
		if err := s.withdraw(ctx, a); err != nil {
			return err
		}
		out, err = s.apps.Get(ctx, id)
		return err
	})
	return out, err
}

// Get returns the caller's own application.
func (s *Service) Get(ctx context.Context, userID, id int64) (*model.Application, error) {
	a, err := s.apps.GetOwned(ctx, id, userID)
	return a, notFound(err)
}

// Mine lists the caller's applications, newest first.
func (s *Service) Mine(ctx context.Context, userID int64, p model.Page) ([]model.Application, *string, error) {
	rows, err := s.apps.ListOwned(ctx, userID, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, appCursor)
	return rows, next, nil
}

// Current returns the caller's open application, or else the latest one
// (for /me); nil when there is none.
func (s *Service) Current(ctx context.Context, userID int64) (*model.Application, error) {
	a, err := s.apps.Latest(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return a, err
}

// fill validates f and writes it onto a (complete: every required field).
func (s *Service) fill(ctx context.Context, a *model.Application, f Form, complete bool) error {
	if _, err := s.requireConsent(ctx, a.UserID, false); err != nil {
		return err
	}
	c, bad := validate(&f, complete, s.now(), s.loc)
	bad = append(bad, s.checkOrg(ctx, f.OrgID)...)
	bad = append(bad, s.checkUploads(ctx, a.UserID, f)...)
	if err := service.Invalid(bad); err != nil {
		return err
	}
	a.OrgID = f.OrgID
	a.Person = c.person
	a.Employment = c.employment
	a.IDNumberEnc, a.IDNumberIdx = nil, nil
	if c.idNumber != "" {
		enc, err := s.pii.Encrypt(pii.ApplicationIDNumber.Row(a.ID), c.idNumber)
		if err != nil {
			return err
		}
		idx := s.pii.BlindIndexFor(idIndexDomain, c.idNumber)
		a.IDNumberEnc, a.IDNumberIdx = &enc, &idx
		if err := s.checkNotOnRoll(ctx, a.UserID, idx); err != nil {
			return err
		}
	}
	a.PhotoUploadID = optID(f.PhotoUploadID)
	a.IDCardFrontUploadID = optID(f.IDCardFrontUploadID)
	a.IDCardBackUploadID = optID(f.IDCardBackUploadID)
	a.ProofUploadIDs = proofList(f.ProofUploadIDs)
	return nil
}

// prepareSubmit checks what only a submission needs (a complete consent, a
// bound phone) and moves a to submitted.
func (s *Service) prepareSubmit(ctx context.Context, a *model.Application) error {
	var bad []service.FieldError
	consent, err := s.requireConsent(ctx, a.UserID, true)
	var de *service.Error
	if errors.As(err, &de) {
		bad = append(bad, de.Fields...)
	} else if err != nil {
		return err
	}
	u, err := s.users.Get(ctx, a.UserID)
	if err != nil {
		return err
	}
	if u.PhoneEnc == nil {
		bad = append(bad, service.FieldError{Field: "phone", Message: "请先绑定微信手机号"})
	}
	if err := service.Invalid(bad); err != nil {
		return err
	}
	phone, err := s.pii.Reseal(pii.UserPhone.Row(u.ID), pii.ApplicationPhone.Row(a.ID), *u.PhoneEnc)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	a.ConsentID, a.PhoneEnc = &consent.ID, &phone
	a.Status, a.SubmittedAt, a.UpdatedAt = model.AppSubmitted, &now, now
	a.ReviewReason = nil
	s.setDue(a)
	return nil
}

// afterSubmit counts a submitted (or resubmitted: kind) application,
// records the move and queues the content check.
func (s *Service) afterSubmit(ctx context.Context, a *model.Application, kind string) error {
	if err := s.counted(ctx, a, nil, "", model.AppSubmitted, nil); err != nil {
		return err
	}
	if err := s.logMove(ctx, a, a.Version, kind, a.OrgID, ""); err != nil {
		return err
	}
	if s.checker == nil {
		return nil
	}
	return s.checker.QueueCheck(ctx, a.ID)
}

// save writes next over prev when prev's version and status still hold.
func (s *Service) save(ctx context.Context, prev, next *model.Application, from []string) error {
	fields := map[string]any{
		"org_id": next.OrgID, "status": next.Status, "consent_id": next.ConsentID,
		"name": next.Name, "id_type": next.IDType, "id_number_enc": next.IDNumberEnc, "id_number_idx": next.IDNumberIdx,
		"phone_enc": next.PhoneEnc, "gender": next.Gender, "birth_date": next.BirthDate, "ethnicity": next.Ethnicity,
		"education": next.Education, "political_status": next.PoliticalStatus, "household_type": next.HouseholdType,
		"employer_name": next.EmployerName, "job_title": next.JobTitle, "hired_on": next.HiredOn, "work_type": next.WorkType,
		"is_migrant_worker": next.IsMigrantWorker, "is_dispatched": next.IsDispatched,
		"dispatch_agency_name": next.DispatchAgencyName, "dispatch_agency_uscc": next.DispatchAgencyUSCC,
		"photo_upload_id": next.PhotoUploadID, "id_card_front_upload_id": next.IDCardFrontUploadID,
		"id_card_back_upload_id": next.IDCardBackUploadID, "proof_upload_ids": next.ProofUploadIDs,
		"review_reason": next.ReviewReason, "updated_at": next.UpdatedAt, "submitted_at": next.SubmittedAt,
		"due_on": next.DueOn, "reminded_at": next.RemindedAt, "due_reminded_at": next.DueRemindedAt,
		"escalated_at": next.EscalatedAt,
	}
	err := s.apps.Transition(ctx, prev.ID, prev.Version, from, fields)
	if errors.Is(err, model.ErrConflict) {
		return errStale
	}
	next.Version = prev.Version + 1
	return err
}

// checkOrg refuses orgs that take no applications: applications go to an
// active grassroots union or intake point (a federation) that accepts them.
func (s *Service) checkOrg(ctx context.Context, orgID int64) []service.FieldError {
	if orgID == 0 {
		return nil // reported by validate
	}
	o, err := s.orgs.Get(ctx, orgID)
	if err != nil || o.Status != model.OrgActive || !o.AcceptsApplications {
		return []service.FieldError{{Field: "org_id", Message: "该工会暂不接受入会申请，请选择其他工会"}}
	}
	return nil
}

// checkUploads makes sure every file the form names is the caller's, of the
// right kind, and still there.
func (s *Service) checkUploads(ctx context.Context, userID int64, f Form) []service.FieldError {
	var bad []service.FieldError
	check := func(field string, id int64, kind string) {
		if id == 0 {
			return
		}
		u, err := s.uploads.Get(ctx, id, s.now().UTC())
		if err != nil || u.OwnerID != userID || u.Kind != kind {
			bad = append(bad, service.FieldError{Field: field, Message: "文件不存在或类型不符，请重新上传"})
		}
	}
	check("photo_upload_id", f.PhotoUploadID, model.UploadPhoto)
	check("id_card_front_upload_id", f.IDCardFrontUploadID, model.UploadIDCardFront)
	check("id_card_back_upload_id", f.IDCardBackUploadID, model.UploadIDCardBack)
	for i, id := range f.ProofUploadIDs {
		check("proof_upload_ids["+strconv.Itoa(i)+"]", id, model.UploadProof)
	}
	return bad
}

// checkNotOnRoll answers 40901 for an ID number on the roll, and tells a
// caller whose bound phone matches that record to claim the card instead;
// how many numbers a user may ask about is bounded (probe.go).
func (s *Service) checkNotOnRoll(ctx context.Context, userID int64, idx string) error {
	if err := s.guardIDNumber(ctx, userID, idx); err != nil {
		return err
	}
	m, err := s.members.OnRollByIDIndex(ctx, idx)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.countOnRollAnswer(ctx, userID); err != nil {
		return err
	}
	msg := "该证件号码已是在册会员，不能重复入会"
	if u, err := s.users.Get(ctx, userID); err == nil && u.PhoneIdx != nil && m.PhoneIdx != nil && *u.PhoneIdx == *m.PhoneIdx {
		msg = "您已是在册会员，请在“会员卡”中认领您的会员卡"
	}
	return service.E(service.KindOnRoll, msg)
}

// formOf rebuilds the form of a stored application, for a submission.
func (s *Service) formOf(a *model.Application) (Form, error) {
	f := Form{OrgID: a.OrgID, Name: a.Name, IDType: a.IDType, Ethnicity: deref(a.Ethnicity),
		Education: deref(a.Education), PoliticalStatus: deref(a.PoliticalStatus), HouseholdType: deref(a.HouseholdType),
		PhotoUploadID: derefID(a.PhotoUploadID), IDCardFrontUploadID: derefID(a.IDCardFrontUploadID),
		IDCardBackUploadID: derefID(a.IDCardBackUploadID), ProofUploadIDs: ParseProofList(a.ProofUploadIDs)}
	mig, dis := a.IsMigrantWorker, a.IsDispatched
	f.Employment = EmploymentForm{EmployerName: deref(a.EmployerName), JobTitle: deref(a.JobTitle),
		HiredOn: deref(a.HiredOn), WorkType: deref(a.WorkType), IsMigrantWorker: &mig, IsDispatched: &dis,
		DispatchAgencyName: deref(a.DispatchAgencyName), DispatchAgencyUSCC: deref(a.DispatchAgencyUSCC)}
	if a.IDNumberEnc != nil {
		id, err := s.pii.Decrypt(pii.ApplicationIDNumber.Row(a.ID), *a.IDNumberEnc)
		if err != nil {
			return f, err
		}
		f.IDNumber = id
	}
	return f, nil
}

// rescheduleUploads keeps the files the form now uses and lets the ones it
// dropped expire.
func (s *Service) rescheduleUploads(ctx context.Context, before, after []int64) error {
	keep := map[int64]bool{}
	for _, id := range after {
		keep[id] = true
	}
	var dropped []int64
	for _, id := range before {
		if !keep[id] {
			dropped = append(dropped, id)
		}
	}
	at := s.now().UTC().Add(unreferencedTTL)
	if err := s.uploads.SetDeleteAfter(ctx, dropped, &at); err != nil {
		return err
	}
	return s.uploads.SetDeleteAfter(ctx, after, nil)
}

// Reveal decrypts the ID number and phone of a (for masking or the
// reviewer's detail view).
func (s *Service) Reveal(a *model.Application) (idNumber, phone string, err error) {
	if a.IDNumberEnc != nil {
		if idNumber, err = s.pii.Decrypt(pii.ApplicationIDNumber.Row(a.ID), *a.IDNumberEnc); err != nil {
			return "", "", err
		}
	}
	if a.PhoneEnc != nil {
		if phone, err = s.pii.Decrypt(pii.ApplicationPhone.Row(a.ID), *a.PhoneEnc); err != nil {
			return "", "", err
		}
	}
	return idNumber, phone, nil
}

// uploadIDs lists the files a uses.
func uploadIDs(a *model.Application) []int64 {
	var ids []int64
	for _, p := range []*int64{a.PhotoUploadID, a.IDCardFrontUploadID, a.IDCardBackUploadID} {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	return append(ids, ParseProofList(a.ProofUploadIDs)...)
}

func appCursor(a model.Application) model.Cursor { return model.Cursor{At: a.CreatedAt, ID: a.ID} }

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// MemberOf returns the user's member record on the roll, nil when none.
func (s *Service) MemberOf(ctx context.Context, userID int64) (*model.Member, error) {
	m, err := s.members.OnRollForUser(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return m, err
}
