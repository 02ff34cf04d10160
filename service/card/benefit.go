package card

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
)

const dateLayout = "2006-01-02"

// Limits of a benefit's fields.
const (
	maxTitle       = 100
	maxDescription = 2000
	maxLimit       = 1_000_000
)

// BenefitInput is a new benefit. PerMemberLimit nil means no limit.
type BenefitInput struct {
	OrgID          int64
	Title          string
	Description    string
	StartsOn       string
	EndsOn         string
	PerMemberLimit *int
}

// validate names every bad field in Chinese.
func (in *BenefitInput) validate() error {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	var bad []service.FieldError
	add := func(field, msg string) { bad = append(bad, service.FieldError{Field: field, Message: msg}) }
	if in.OrgID == 0 {
		add("org_id", "请选择提供服务的组织")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		add("title", "请填写服务名称")
	case n > maxTitle:
		add("title", "服务名称不能超过100个字")
	default:
		if err := codes.CheckLine(in.Title, "服务名称"); err != nil {
			add("title", err.Error())
		}
	}
	if utf8.RuneCountInString(in.Description) > maxDescription {
		add("description", "服务说明不能超过2000个字")
	} else if err := codes.CheckText(in.Description, "服务说明"); err != nil {
		add("description", err.Error())
	}
	start, startOK := parseDate(in.StartsOn)
	end, endOK := parseDate(in.EndsOn)
	if !startOK {
		add("starts_on", "请填写开始日期，格式为 YYYY-MM-DD")
	}
	if !endOK {
		add("ends_on", "请填写结束日期，格式为 YYYY-MM-DD")
	}
	if startOK && endOK && end.Before(start) {
		add("ends_on", "结束日期不能早于开始日期")
	}
	if in.PerMemberLimit != nil && (*in.PerMemberLimit < 1 || *in.PerMemberLimit > maxLimit) {
		add("per_member_limit", "每人限用次数应为1到1000000之间的整数；不限次数请不填")
	}
	return service.Invalid(bad)
}

func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(dateLayout, s)
	return t, err == nil && t.Format(dateLayout) == s
}

// CreateBenefit publishes a benefit of an org in the caller's
// benefit.create scope (404 outside it; 409 for a dissolved org). It is
// open to the members of the org's whole subtree. Audited.
func (s *Service) CreateBenefit(ctx context.Context, sc access.Scope, in BenefitInput) (*model.BenefitWithOrg, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	o, err := s.orgs.GetInScope(ctx, in.OrgID, sc.Paths(access.BenefitCreate))
	if errors.Is(err, model.ErrNotFound) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, err
	}
	if o.Status == model.OrgDissolved {
		return nil, errOrgDissolved
	}
	now := s.now().UTC()
	b := model.Benefit{ID: model.NewID(), OrgID: o.ID, Title: in.Title, Description: in.Description,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, PerMemberLimit: in.PerMemberLimit, CreatedBy: sc.UserID,
		CreatedAt: now, UpdatedAt: now}
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.benefits.Create(ctx, &b); err != nil {
			return err
		}
		if s.audit == nil {
			return nil
		}
		return s.audit.Record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: o.ID, Action: "benefit.create",
			Target: "benefit:" + itoa(b.ID), Detail: map[string]any{"title": b.Title}})
	})
	if err != nil {
		return nil, err
	}
	return &model.BenefitWithOrg{Benefit: b, OrgName: o.Name, OrgPath: o.Path}, nil
}

// Benefits lists the benefits offered in the caller's benefit.create
// scope, or by one org of it (404 outside), newest first, each with its
// redemption count (one grouped query for the page). Every redemption of
// a benefit is by a member of its org's subtree, so the count tells
// nothing from outside the caller's scope.
func (s *Service) Benefits(ctx context.Context, sc access.Scope, orgID int64, p model.Page) ([]ListedBenefit, *string, error) {
	paths := sc.Paths(access.BenefitCreate)
	if orgID != 0 {
		if _, err := s.orgs.GetInScope(ctx, orgID, paths); errors.Is(err, model.ErrNotFound) {
			return nil, nil, errOrgNotFound
		} else if err != nil {
			return nil, nil, err
		}
	}
	rows, err := s.benefits.ListInScope(ctx, paths, orgID, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, benefitCursor)
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	counts, err := s.redemptions.RedemptionCounts(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make([]ListedBenefit, len(rows))
	for i := range rows {
		out[i] = ListedBenefit{Benefit: rows[i], Redemptions: counts[rows[i].ID]}
	}
	return out, next, nil
}

// OpenBenefits lists the benefits open to the user's member record today:
// offered by its union or any ancestor, running today in the business time
// zone. 404 when the user is not on the roll.
func (s *Service) OpenBenefits(ctx context.Context, userID int64, p model.Page) ([]model.BenefitWithOrg, *string, error) {
	r, err := s.cards.ForUser(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, errNotMember
	}
	if err != nil {
		return nil, nil, err
	}
	o := model.Org{Path: r.OrgPath}
	today := s.now().In(s.loc).Format(dateLayout)
	rows, err := s.benefits.ListOpen(ctx, o.AncestorIDs(), today, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, benefitCursor)
	return rows, next, nil
}

func benefitCursor(b model.BenefitWithOrg) model.Cursor {
	return model.Cursor{At: b.CreatedAt, ID: b.ID}
}
