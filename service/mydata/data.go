package mydata

import (
	"encoding/json"
	"time"
)

// Data is everything held about one user (GET /me/data, and data.json of
// an export). IDs are strings; times are in the business time zone, whole
// seconds. The ID number and phone are masked, except in the user's own
// export, where IDNumber and Phone carry them in clear as well.
type Data struct {
	GeneratedAt   time.Time      `json:"generated_at"`
	Account       Account        `json:"account"`
	Consents      []Consent      `json:"consents"`
	Applications  []Application  `json:"applications"`
	Members       []Member       `json:"members"`
	Transfers     []Transfer     `json:"transfers"`
	Rights        []Rights       `json:"rights_requests"`
	Subscriptions []Subscription `json:"subscriptions"`
	Deactivations []Deactivation `json:"deactivation_requests"`
	Notifications []Notification `json:"notifications"`
	Verifications []CardUse      `json:"verifications"`
	Redemptions   []CardUse      `json:"redemptions"`
	Uploads       []Upload       `json:"uploads"`
	Sessions      []Session      `json:"sessions"`
	Roles         []Role         `json:"roles"`
}

// Account is the user record.
type Account struct {
	ID           string     `json:"id"`
	CreatedAt    time.Time  `json:"created_at"`
	PhoneMasked  *string    `json:"phone_masked"`
	Phone        string     `json:"phone,omitempty"`
	PhoneBoundAt *time.Time `json:"phone_bound_at"`
}

// Consent is one consent record (withdrawn ones too).
type Consent struct {
	ID            string     `json:"id"`
	Version       string     `json:"version"`
	PersonalInfo  bool       `json:"personal_info"`
	SensitiveInfo bool       `json:"sensitive_info"`
	ShareUpward   bool       `json:"share_upward"`
	GivenAt       time.Time  `json:"given_at"`
	WithdrawnAt   *time.Time `json:"withdrawn_at"`
}

// Form is the real-name part of an application or member record.
type Form struct {
	Name            string     `json:"name"`
	IDType          string     `json:"id_type"`
	IDNumberMasked  string     `json:"id_number_masked,omitempty"`
	IDNumber        string     `json:"id_number,omitempty"`
	PhoneMasked     string     `json:"phone_masked,omitempty"`
	Phone           string     `json:"phone,omitempty"`
	Gender          *string    `json:"gender"`
	BirthDate       *string    `json:"birth_date,omitempty"`
	Ethnicity       *string    `json:"ethnicity"`
	Education       *string    `json:"education"`
	PoliticalStatus *string    `json:"political_status"`
	HouseholdType   *string    `json:"household_type"`
	Employment      Employment `json:"employment"`
}

// Employment is the work part of a form.
type Employment struct {
	EmployerName       *string `json:"employer_name"`
	JobTitle           *string `json:"job_title"`
	HiredOn            *string `json:"hired_on"`
	WorkType           *string `json:"work_type"`
	IsMigrantWorker    bool    `json:"is_migrant_worker"`
	IsDispatched       bool    `json:"is_dispatched"`
	DispatchAgencyName *string `json:"dispatch_agency_name"`
	DispatchAgencyUSCC *string `json:"dispatch_agency_uscc"`
}

// Application is one application to join with its form and timeline.
type Application struct {
	ID           string     `json:"id"`
	OrgID        string     `json:"org_id"`
	OrgName      string     `json:"org_name"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	SubmittedAt  *time.Time `json:"submitted_at"`
	ReviewedAt   *time.Time `json:"reviewed_at"`
	ReviewReason *string    `json:"review_reason"`
	DueOn        *string    `json:"due_on"`
	Form         Form       `json:"form"`
	UploadIDs    []string   `json:"upload_ids"`
	Timeline     []Event    `json:"timeline"`
}

// Event is one move of an application or one line of a member's history.
type Event struct {
	At          time.Time `json:"at"`
	Kind        string    `json:"kind"`
	OrgName     string    `json:"org_name,omitempty"`
	FromOrgName string    `json:"from_org_name,omitempty"`
	ToOrgName   string    `json:"to_org_name,omitempty"`
	Note        *string   `json:"note"`
}

// Member is a member record linked to the user, with its history.
type Member struct {
	ID        string    `json:"id"`
	MemberNo  string    `json:"member_no"`
	OrgID     string    `json:"org_id"`
	OrgName   string    `json:"org_name"`
	Status    string    `json:"status"`
	JoinedOn  string    `json:"joined_on"`
	CreatedAt time.Time `json:"created_at"`
	Form      Form      `json:"form"`
	Events    []Event   `json:"events"`
}

// Transfer is a request to move to another union.
type Transfer struct {
	ID             string     `json:"id"`
	FromOrgName    string     `json:"from_org_name"`
	ToOrgName      string     `json:"to_org_name"`
	Status         string     `json:"status"`
	Reason         *string    `json:"reason"`
	DecisionReason *string    `json:"decision_reason"`
	CreatedAt      time.Time  `json:"created_at"`
	DecidedAt      *time.Time `json:"decided_at"`
}

// Rights is one of the user's correction requests or disputes (API.md
// §10) and its outcome; the fields asked for are named, their requested
// values are in the member record once approved.
type Rights struct {
	ID             string     `json:"id"`
	Kind           string     `json:"kind"`
	Status         string     `json:"status"`
	Fields         []string   `json:"fields"`
	EventID        *string    `json:"event_id"`
	Reason         string     `json:"reason"`
	DueOn          string     `json:"due_on"`
	DecisionReason *string    `json:"decision_reason"`
	CreatedAt      time.Time  `json:"created_at"`
	DecidedAt      *time.Time `json:"decided_at"`
}

// Subscription is how many subscribe messages of one template the user
// allowed and the service has not yet sent.
type Subscription struct {
	TemplateID string    `json:"template_id"`
	Balance    int       `json:"balance"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Deactivation is a request to cancel the account (注销).
type Deactivation struct {
	ID          string    `json:"id"`
	Source      string    `json:"source"`
	Status      string    `json:"status"`
	RequestedAt time.Time `json:"requested_at"`
	EffectiveAt time.Time `json:"effective_at"`
}

// Notification is an in-app notice.
type Notification struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Title     string          `json:"title"`
	Body      string          `json:"body"`
	Data      json.RawMessage `json:"data" swaggertype:"object"`
	ReadAt    *time.Time      `json:"read_at"`
	CreatedAt time.Time       `json:"created_at"`
}

// CardUse is one check of the member card at a counter (Result "valid" or
// why it was refused) or one benefit redeemed with it (Result "redeemed").
type CardUse struct {
	At              time.Time `json:"at"`
	VerifierOrgName string    `json:"verifier_org_name"`
	BenefitTitle    string    `json:"benefit_title"`
	Result          string    `json:"result"`
}

// Upload is one of the user's stored files; File is its path in the
// export's ZIP.
type Upload struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	File        string    `json:"file,omitempty"`
}

// Session is one login (no token material). LastUsedAt is when its
// refresh token was last used (or the login).
type Session struct {
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt time.Time  `json:"last_used_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Role is a role binding, revoked ones too.
type Role struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"org_id"`
	OrgName   string     `json:"org_name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}
