package card

import "github.com/unionhub/unionhub/model"

// Benefit is a benefit with its org's name, as listed, named here so that
// callers (the api layer) need not import the storage package.
type Benefit = model.BenefitWithOrg

// ListedBenefit is a benefit in an admin's list with how many times it was
// redeemed.
type ListedBenefit struct {
	Benefit
	Redemptions int64
}
