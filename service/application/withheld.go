package application

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
)

// Reasons a reviewer does not see an application in clear.
const (
	// WithheldConsent: the applicant withdrew personal_info or sensitive_info.
	WithheldConsent = "consent_withdrawn"
	// WithheldShareUpward: the applicant withdrew share_upward and the
	// reader reaches the application only as a higher-level union.
	WithheldShareUpward = "share_upward_withdrawn"
	// WithheldTransferred: the member this application made has moved to
	// a union outside the reader's scope.
	WithheldTransferred = "transferred"
)

// Withheld says what of an application a reader may not see in clear,
// and why. The images are deleted by the withdrawal itself; this covers
// the form.
type Withheld struct {
	// Sensitive: the ID number and what gives back its hidden digits (the
	// birth date), and the ID-card images.
	Sensitive bool
	// Form: the whole form (name, phone, every field and image) as well.
	Form   bool
	Reason string
}

// Any reports whether anything is withheld.
func (w Withheld) Any() bool { return w.Sensitive || w.Form }

// withheld decides what reader sc may not see of a in clear:
//   - personal_info withdrawn since a was created: the whole form, for everyone;
//   - share_upward withdrawn: the whole form, for readers who are not the
//     application's own union (federation admins above it);
//   - sensitive_info withdrawn: the ID number and birth date, for everyone;
//   - a member made by a, now in a union outside sc: the whole form
//     (scope follows the member's current union).
func (s *Service) withheld(ctx context.Context, sc access.Scope, a *model.Application) (Withheld, error) {
	history, err := s.consents.History(ctx, a.UserID)
	if err != nil {
		return Withheld{}, err
	}
	gone := withdrawnSince(history, a.CreatedAt)
	own := false // a reviewer of the application's own union, not one above it
	for _, b := range sc.Bindings {
		own = own || (b.OrgID == a.OrgID && access.Allowed(b.Role, access.Review))
	}
	switch {
	case gone.personal:
		return Withheld{Sensitive: true, Form: true, Reason: WithheldConsent}, nil
	case gone.share && !own:
		return Withheld{Sensitive: true, Form: true, Reason: WithheldShareUpward}, nil
	}
	if a.MemberID != nil {
		_, err := s.members.GetInScope(ctx, *a.MemberID, sc.Paths(access.Review))
		if errors.Is(err, model.ErrNotFound) {
			return Withheld{Sensitive: true, Form: true, Reason: WithheldTransferred}, nil
		}
		if err != nil {
			return Withheld{}, err
		}
	}
	if gone.sensitive {
		return Withheld{Sensitive: true, Reason: WithheldConsent}, nil
	}
	return Withheld{}, nil
}

// items is a set of consent items.
type items struct{ personal, sensitive, share bool }

// withdrawnSince returns the items withdrawn at or after t, replaying the
// consent history: each record sets the items it gives; its withdrawal
// (DELETE) clears them all. An item given and then no longer given is
// withdrawn at that moment.
func withdrawnSince(history []model.Consent, t time.Time) items {
	type event struct {
		at    time.Time
		state items
	}
	var events []event
	for _, c := range history {
		events = append(events, event{c.GivenAt, items{c.PersonalInfo, c.SensitiveInfo, c.ShareUpward}})
		if c.WithdrawnAt != nil {
			events = append(events, event{*c.WithdrawnAt, items{}})
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].at.Before(events[j].at) })
	var state, gone items
	for _, e := range events {
		if !e.at.Before(t) {
			gone.personal = gone.personal || (state.personal && !e.state.personal)
			gone.sensitive = gone.sensitive || (state.sensitive && !e.state.sensitive)
			gone.share = gone.share || (state.share && !e.state.share)
		}
		state = e.state
	}
	return gone
}
