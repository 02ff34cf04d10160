package api

import "net/url"

// attachment is a Content-Disposition for a download named name (UTF-8,
// RFC 6266) with an ASCII fallback for old clients.
func attachment(name, fallback string) string {
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + url.PathEscape(name)
}
