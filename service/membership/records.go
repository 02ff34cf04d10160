package membership

import "github.com/unionhub/unionhub/model"

// The records the service returns, named here so that callers (the api
// layer) need not import the storage package.
type (
	Member   = model.Member
	Event    = model.MembershipEvent
	Transfer = model.Transfer
)
