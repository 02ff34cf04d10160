package card

import "github.com/unionhub/unionhub/model"

// Benefit is a benefit with its org's name, as listed, named here so that
// callers (the api layer) need not import the storage package.
type Benefit = model.BenefitWithOrg
