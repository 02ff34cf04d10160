package rights

import "github.com/unionhub/unionhub/model"

// Record is a rights request as stored and returned, named here so that
// callers (the api layer) need not import the storage package.
type Record = model.RightsRequest
