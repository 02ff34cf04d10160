// Package console holds the built web console (管理后台, API.md §12): the
// files Vite writes to dist/, committed, so that the binary serves
// /console/ on a machine without Node. The api package serves them.
package console

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Files returns the built console: index.html at the root, hashed files
// under assets/.
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; fs.Sub fails only on an invalid one
	}
	return sub
}
