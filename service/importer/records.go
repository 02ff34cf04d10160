package importer

import "github.com/unionhub/unionhub/model"

// RowError is a sheet row's error as the import report lists it, named
// here so that callers (the api layer) need not import the storage
// package.
type RowError = model.ImportError
