package identity

import "github.com/unionhub/unionhub/model"

// User is a WeChat user as stored, named here so that callers (the api
// layer) need not import the storage package.
type User = model.User
