// Package sdk holds no Go code: it is the home of the TypeScript client for
// mini-programs (see README.md), whose checks sdk_test.go runs under
// `go test ./...`. `go generate ./web/miniprogram-sdk` regenerates
// src/schema.d.ts from docs/openapi.json (after `go generate ./docs`): the
// one generated copy of the API types, which web/console imports as well.
package sdk

//go:generate npm run gen
