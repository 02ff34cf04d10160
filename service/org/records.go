package org

import "github.com/unionhub/unionhub/model"

// The records the service returns and takes, named here so that callers
// (the api layer) need not import the storage package.
type (
	Org            = model.Org
	BindingWithOrg = model.BindingWithOrg
	SearchFilter   = model.SearchFilter
)

// An org's statuses, and the types of the federations (which take
// applications on their unions' behalf) and the grassroots unions.
const (
	StatusActive     = model.OrgActive
	StatusDissolving = model.OrgDissolving
	StatusDissolved  = model.OrgDissolved
	TypeFederation   = model.OrgFederation
	TypeGrassroots   = model.OrgGrassroots
)
