package model

import (
	"context"

	"gorm.io/gorm"
)

// PersonalDataStore reads everything held about one user, for the access
// and copy rights (API.md §10, GET /me/data). Each query goes through an
// index on the user or member column (a person's rows only, whatever the
// tables' size).
type PersonalDataStore struct{ db *gorm.DB }

// NewPersonalDataStore returns a PersonalDataStore on db.
func NewPersonalDataStore(db *gorm.DB) *PersonalDataStore { return &PersonalDataStore{db: db} }

// User returns the user with id, or ErrNotFound.
func (s *PersonalDataStore) User(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := Translate(Conn(ctx, s.db).Where("id = ?", id).Take(&u).Error); err != nil {
		return nil, err
	}
	return &u, nil
}

// Consents returns every consent record of the user, oldest first.
func (s *PersonalDataStore) Consents(ctx context.Context, userID int64) ([]Consent, error) {
	var out []Consent
	return out, s.byUser(ctx, &out, "user_id", userID, "given_at, id")
}

// Applications returns every application of the user, oldest first.
func (s *PersonalDataStore) Applications(ctx context.Context, userID int64) ([]Application, error) {
	var out []Application
	return out, s.byUser(ctx, &out, "user_id", userID, "created_at, id")
}

// Members returns every member record linked to the user (on the roll or
// not), oldest first.
func (s *PersonalDataStore) Members(ctx context.Context, userID int64) ([]Member, error) {
	var out []Member
	return out, s.byUser(ctx, &out, "user_id", userID, "created_at, id")
}

// Notifications returns every notification of the user, oldest first.
func (s *PersonalDataStore) Notifications(ctx context.Context, userID int64) ([]Notification, error) {
	var out []Notification
	return out, s.byUser(ctx, &out, "user_id", userID, "created_at, id")
}

// RightsRequests returns the user's correction requests and disputes.
func (s *PersonalDataStore) RightsRequests(ctx context.Context, userID int64) ([]RightsRequest, error) {
	var out []RightsRequest
	return out, s.byUser(ctx, &out, "user_id", userID, "created_at, id")
}

// Subscriptions returns the user's subscribe-message balances.
func (s *PersonalDataStore) Subscriptions(ctx context.Context, userID int64) ([]Subscription, error) {
	var out []Subscription
	return out, s.byUser(ctx, &out, "user_id", userID, "template_id")
}

// Deactivations returns the user's account cancellation requests.
func (s *PersonalDataStore) Deactivations(ctx context.Context, userID int64) ([]DeactivationRequest, error) {
	var out []DeactivationRequest
	return out, s.byUser(ctx, &out, "user_id", userID, "requested_at, id")
}

// Uploads returns the user's files that are not deleted, oldest first.
func (s *PersonalDataStore) Uploads(ctx context.Context, userID int64) ([]Upload, error) {
	var out []Upload
	err := Conn(ctx, s.db).Where("owner_id = ? AND deleted_at IS NULL", userID).Order("created_at, id").Find(&out).Error
	return out, Translate(err)
}

// Sessions returns every session of the user, oldest first.
func (s *PersonalDataStore) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	var out []Session
	return out, s.byUser(ctx, &out, "user_id", userID, "created_at, id")
}

// Roles returns every role binding of the user, revoked ones too.
func (s *PersonalDataStore) Roles(ctx context.Context, userID int64) ([]RoleBinding, error) {
	var out []RoleBinding
	return out, s.byUser(ctx, &out, "user_id", userID, "created_at, id")
}

// ApplicationEvents returns the events of the applications, in order.
func (s *PersonalDataStore) ApplicationEvents(ctx context.Context, appIDs []int64) ([]ApplicationEvent, error) {
	var out []ApplicationEvent
	return out, s.byIDs(ctx, &out, "application_id", appIDs, "application_id, version")
}

// MembershipEvents returns the events of the member records, oldest first.
func (s *PersonalDataStore) MembershipEvents(ctx context.Context, memberIDs []int64) ([]MembershipEvent, error) {
	var out []MembershipEvent
	return out, s.byIDs(ctx, &out, "member_id", memberIDs, "created_at, id")
}

// Transfers returns the transfer requests of the member records.
func (s *PersonalDataStore) Transfers(ctx context.Context, memberIDs []int64) ([]Transfer, error) {
	var out []Transfer
	return out, s.byIDs(ctx, &out, "member_id", memberIDs, "created_at, id")
}

// Verifications returns the card checks of the member records.
func (s *PersonalDataStore) Verifications(ctx context.Context, memberIDs []int64) ([]Verification, error) {
	var out []Verification
	return out, s.byIDs(ctx, &out, "member_id", memberIDs, "created_at, id")
}

// Redemptions returns the benefit uses of the member records.
func (s *PersonalDataStore) Redemptions(ctx context.Context, memberIDs []int64) ([]Redemption, error) {
	var out []Redemption
	return out, s.byIDs(ctx, &out, "member_id", memberIDs, "created_at, id")
}

// OrgNames returns the names of the orgs with ids.
func (s *PersonalDataStore) OrgNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	var rows []struct {
		ID   int64
		Name string
	}
	err := s.byIDs(ctx, &rows, "id", ids, "id", "orgs")
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, err
}

// BenefitTitles returns the titles of the benefits with ids.
func (s *PersonalDataStore) BenefitTitles(ctx context.Context, ids []int64) (map[int64]string, error) {
	var rows []struct {
		ID    int64
		Title string
	}
	err := s.byIDs(ctx, &rows, "id", ids, "id", "benefits")
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Title
	}
	return out, err
}

// VerifierOrgs returns, for each of the verifiers, the org of their newest
// verifier binding (revoked or not): where the card was checked.
func (s *PersonalDataStore) VerifierOrgs(ctx context.Context, verifierIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(verifierIDs))
	if len(verifierIDs) == 0 {
		return out, nil
	}
	var rows []RoleBinding
	err := Conn(ctx, s.db).Where("user_id IN ? AND role = ?", verifierIDs, "verifier").Order("created_at, id").Find(&rows).Error
	for _, r := range rows {
		out[r.UserID] = r.OrgID
	}
	return out, Translate(err)
}

func (s *PersonalDataStore) byUser(ctx context.Context, dst any, col string, id int64, order string) error {
	return Translate(Conn(ctx, s.db).Where(col+" = ?", id).Order(order).Find(dst).Error)
}

// byIDs reads the rows whose col is one of ids into dst; table names the
// table when dst's type does not.
func (s *PersonalDataStore) byIDs(ctx context.Context, dst any, col string, ids []int64, order string, table ...string) error {
	if len(ids) == 0 {
		return nil
	}
	q := Conn(ctx, s.db)
	if len(table) > 0 {
		q = q.Table(table[0])
	}
	return Translate(q.Where(col+" IN ?", ids).Order(order).Find(dst).Error)
}
