// Package sdk holds no Go code: it is the home of the TypeScript client for
// mini-programs (see README.md), whose checks sdk_test.go runs under
// `go test ./...`.
package sdk
