package upload

import "github.com/unionhub/unionhub/model"

// Upload is an uploaded file's record, named here so that callers (the api
// layer) need not import the storage package.
type Upload = model.Upload
