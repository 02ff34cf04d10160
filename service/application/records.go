package application

import "github.com/unionhub/unionhub/model"

// The records the service returns, named here so that callers (the api
// layer) need not import the storage package.
type (
	Application = model.Application
	Employment  = model.Employment
	Consent     = model.Consent
)

// StatusWithdrawn is the status of an application its applicant withdrew.
const StatusWithdrawn = model.AppWithdrawn
