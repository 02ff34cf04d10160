package blob_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeS3 is the part of the S3 API that minio-go uses for blob.S3, served
// path-style: HEAD bucket, GET bucket?location, and PUT, GET, HEAD and
// DELETE object, with S3's XML errors. It does not check signatures, only
// that requests are signed, and checks a PUT's Content-MD5 as S3 does. It
// refuses what it does not implement (ranges, multipart, aws-chunked
// uploads, which Aliyun OSS refuses too) with 501 and fails the test, so a
// change in how minio-go talks shows up rather than a fake that agrees with
// anything.
type fakeS3 struct {
	t      *testing.T
	bucket string

	mu       sync.Mutex
	objects  map[string][]byte
	failWith map[string]string // object name → S3 error code to answer
	requests []string          // "METHOD /path?query"
}

func newFakeS3(t *testing.T, bucket string) *fakeS3 {
	return &fakeS3{t: t, bucket: bucket, objects: map[string][]byte{}, failWith: map[string]string{}}
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI())
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		f.fail(w, r, "AccessDenied")
		return
	}
	bucket, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case bucket != f.bucket:
		f.fail(w, r, "NoSuchBucket")
	case name == "":
		f.serveBucket(w, r)
	case f.failWith[name] != "":
		f.fail(w, r, f.failWith[name])
	case r.URL.RawQuery != "" || r.Header.Get("Range") != "" ||
		strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") ||
		strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-"):
		f.notImplemented(w, r)
	default:
		f.serveObject(w, r, name)
	}
}

func (f *fakeS3) serveBucket(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodHead && r.URL.RawQuery == "":
		w.WriteHeader(http.StatusOK)
	case r.Method == http.MethodGet && r.URL.Query().Has("location"):
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, xml.Header+`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">cn-north-1</LocationConstraint>`)
	default:
		f.notImplemented(w, r)
	}
}

func (f *fakeS3) serveObject(w http.ResponseWriter, r *http.Request, name string) {
	switch r.Method {
	case http.MethodPut:
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			f.notImplemented(w, r)
			return
		}
		data, err := io.ReadAll(r.Body)
		if err != nil {
			f.fail(w, r, "IncompleteBody")
			return
		}
		sum := md5.Sum(data)
		if r.Header.Get("Content-Md5") != base64.StdEncoding.EncodeToString(sum[:]) {
			f.fail(w, r, "BadDigest")
			return
		}
		f.objects[name] = data
		w.Header().Set("ETag", etag(data))
		w.WriteHeader(http.StatusOK)
	case http.MethodGet, http.MethodHead:
		data, ok := f.objects[name]
		if !ok {
			f.fail(w, r, "NoSuchKey")
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", strconv.Itoa(len(data)))
		h.Set("ETag", etag(data))
		h.Set("Last-Modified", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).Format(http.TimeFormat))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(data)
		}
	case http.MethodDelete:
		delete(f.objects, name)
		w.WriteHeader(http.StatusNoContent)
	default:
		f.notImplemented(w, r)
	}
}

// fail answers with S3's XML error for code (no body for HEAD, as S3 does).
func (f *fakeS3) fail(w http.ResponseWriter, r *http.Request, code string) {
	status := map[string]int{
		"NoSuchKey": 404, "NoSuchBucket": 404, "AccessDenied": 403,
		"IncompleteBody": 400, "BadDigest": 400, "NotImplemented": 501,
	}[code]
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	io.WriteString(w, xml.Header+"<Error><Code>"+code+"</Code><Message>fake "+code+
		"</Message><Resource>"+r.URL.Path+"</Resource><RequestId>fake</RequestId></Error>")
}

func (f *fakeS3) notImplemented(w http.ResponseWriter, r *http.Request) {
	f.t.Errorf("fake S3: not implemented: %s %s %v", r.Method, r.URL.RequestURI(), r.Header)
	f.fail(w, r, "NotImplemented")
}

func (f *fakeS3) object(name string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.objects[name]
	return data, ok
}

func (f *fakeS3) setFailure(name, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWith[name] = code
}

func (f *fakeS3) requestLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func etag(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}
