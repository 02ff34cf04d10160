// Package access is the route × role table of API.md §2 and the data scope
// derived from a caller's role bindings. It is the one place that says who
// may do what where; the api layer asks it before a handler runs and the
// stores filter every admin query by the paths it yields.
package access

// Role is what a role binding grants at its org.
type Role string

// The roles (API.md §2).
const (
	FederationAdmin Role = "federation_admin"
	UnionChair      Role = "union_chair"
	UnionStaff      Role = "union_staff"
	Verifier        Role = "verifier"
)

// Roles lists every role.
var Roles = []Role{FederationAdmin, UnionChair, UnionStaff, Verifier}

// ValidRole reports whether r names a role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if string(x) == r {
			return true
		}
	}
	return false
}

// Action is a row of the route × role table.
type Action string

// The actions of API.md §2.
const (
	OrgRead       Action = "org.read"       // read orgs, children, join code
	OrgCreate     Action = "org.create"     // create child orgs; change type or dissolve
	OrgEdit       Action = "org.edit"       // edit the org profile
	Invite        Action = "invite"         // create invitations
	RoleManage    Action = "role.manage"    // list and revoke role bindings
	Review        Action = "review"         // applications, members, transfers, imports, stats
	Assign        Action = "assign"         // move a submitted application to a union (API.md §11)
	BenefitCreate Action = "benefit.create" // create benefits
	Export        Action = "export"         // exports with full ID numbers
	AuditRead     Action = "audit.read"     // the audit log
	Verify        Action = "verify"         // verify cards, redeem benefits
	Rights        Action = "rights"         // decide members' correction requests and disputes (API.md §10)
	ConsoleLogin  Action = "console.login"  // confirm a web console login ticket (API.md §12): admins only
)

// policy says which roles may take each action. Every role acts within the
// subtree of its org (for a grassroots union that is the union itself).
var policy = map[Action][]Role{
	OrgRead:       {FederationAdmin, UnionChair, UnionStaff},
	OrgCreate:     {FederationAdmin},
	OrgEdit:       {FederationAdmin, UnionChair},
	Invite:        {FederationAdmin, UnionChair},
	RoleManage:    {FederationAdmin, UnionChair},
	Review:        {FederationAdmin, UnionChair, UnionStaff},
	Assign:        {FederationAdmin},
	BenefitCreate: {FederationAdmin, UnionChair},
	Export:        {FederationAdmin, UnionChair},
	AuditRead:     {FederationAdmin},
	Verify:        {Verifier},
	Rights:        {FederationAdmin, UnionChair, UnionStaff},
	ConsoleLogin:  {FederationAdmin, UnionChair, UnionStaff},
}

// Allowed reports whether role may take action.
func Allowed(role Role, action Action) bool {
	for _, r := range policy[action] {
		if r == role {
			return true
		}
	}
	return false
}

// AllowedRoles lists the roles that may take action.
func AllowedRoles(action Action) []Role { return policy[action] }

// Actions lists every action of the table.
func Actions() []Action {
	out := make([]Action, 0, len(policy))
	for a := range policy {
		out = append(out, a)
	}
	return out
}

// CanInvite reports whether a binding with role may invite someone to
// invitee (at or below its org; the org check is the scope's). A federation
// admin may invite any role; a chair only staff and verifiers of its own
// union; nobody else invites.
func CanInvite(role, invitee Role) bool {
	switch role {
	case FederationAdmin:
		return true
	case UnionChair:
		return invitee == UnionStaff || invitee == Verifier
	}
	return false
}

// ManageableRoles lists the roles whose bindings role may list and revoke.
func ManageableRoles(role Role) []Role {
	switch role {
	case FederationAdmin:
		return Roles
	case UnionChair:
		return []Role{UnionStaff, Verifier}
	}
	return nil
}
