package blob_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/blob/blobtest"
)

// newS3 returns a blob.S3 talking to a fresh fake S3 server.
func newS3(t *testing.T, cfg blob.S3Config) (*blob.S3, *fakeS3) {
	t.Helper()
	fake := newFakeS3(t, "unionhub")
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg.Endpoint = strings.TrimPrefix(srv.URL, "http://")
	if cfg.Bucket == "" {
		cfg.Bucket = "unionhub"
	}
	cfg.AccessKey, cfg.SecretKey = "AKIDEXAMPLE", "secret"
	s, err := blob.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, fake
}

func TestS3Conformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, _ := newS3(t, blob.S3Config{Prefix: "uploads/"})
		return s
	})
}

func TestS3ObjectNames(t *testing.T) {
	ctx := context.Background()
	s, fake := newS3(t, blob.S3Config{Prefix: "uploads/"})
	if err := s.Put(ctx, "ab/cd", []byte("ciphertext")); err != nil {
		t.Fatal(err)
	}
	if data, ok := fake.object("uploads/ab/cd"); !ok || string(data) != "ciphertext" {
		t.Errorf("object uploads/ab/cd = %q, %v", data, ok)
	}
	if err := s.Delete(ctx, "ab/cd"); err != nil {
		t.Fatal(err)
	}
	if _, ok := fake.object("uploads/ab/cd"); ok {
		t.Error("Delete left the object")
	}
	// Without a Region, minio-go asks for the bucket's location first.
	want := []string{"GET /unionhub/?location=", "PUT /unionhub/uploads/ab/cd", "DELETE /unionhub/uploads/ab/cd"}
	if got := fake.requestLog(); !slices.Equal(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
}

func TestS3WithRegionSkipsLocation(t *testing.T) {
	s, fake := newS3(t, blob.S3Config{Region: "cn-north-1"})
	if err := s.Put(context.Background(), "k", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got := fake.requestLog(); !slices.Equal(got, []string{"PUT /unionhub/k"}) {
		t.Errorf("requests %q", got)
	}
}

func TestS3Errors(t *testing.T) {
	ctx := context.Background()
	s, fake := newS3(t, blob.S3Config{})
	fake.setFailure("denied", "AccessDenied")

	if _, err := s.Get(ctx, "denied"); err == nil || errors.Is(err, blob.ErrNotFound) ||
		!strings.Contains(err.Error(), "Access Denied") && !strings.Contains(err.Error(), "fake AccessDenied") {
		t.Errorf("Get on AccessDenied = %v, want an error that is not ErrNotFound", err)
	}
	if err := s.Put(ctx, "denied", []byte("x")); err == nil {
		t.Error("Put on AccessDenied succeeded")
	}
	if err := s.Delete(ctx, "denied"); err == nil {
		t.Error("Delete on AccessDenied succeeded")
	}

	// A store that answers 404 NoSuchKey to deleting a missing object.
	fake.setFailure("gone", "NoSuchKey")
	if err := s.Delete(ctx, "gone"); err != nil {
		t.Errorf("Delete on NoSuchKey = %v, want nil", err)
	}

	wrong, _ := newS3(t, blob.S3Config{Bucket: "other", Region: "cn-north-1"})
	if _, err := wrong.Get(ctx, "k"); err == nil || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Get from a missing bucket = %v, want an error that is not ErrNotFound", err)
	}
}

func TestS3Check(t *testing.T) {
	ctx := context.Background()
	s, _ := newS3(t, blob.S3Config{Region: "cn-north-1"})
	if err := s.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}
	wrong, _ := newS3(t, blob.S3Config{Bucket: "other", Region: "cn-north-1"})
	if err := wrong.Check(ctx); err == nil {
		t.Error("Check on a missing bucket succeeded")
	}
}

func TestNewS3(t *testing.T) {
	ok := blob.S3Config{Endpoint: "oss-cn-hangzhou.aliyuncs.com", Bucket: "unionhub", UseTLS: true}
	tests := []struct {
		name   string
		change func(*blob.S3Config)
		ok     bool
	}{
		{"valid", func(*blob.S3Config) {}, true},
		{"prefix", func(c *blob.S3Config) { c.Prefix = "prod/uploads/" }, true},
		{"prefix without slash", func(c *blob.S3Config) { c.Prefix = "uploads-" }, true},
		{"no endpoint", func(c *blob.S3Config) { c.Endpoint = "" }, false},
		{"no bucket", func(c *blob.S3Config) { c.Bucket = "" }, false},
		{"endpoint with scheme", func(c *blob.S3Config) { c.Endpoint = "https://oss-cn-hangzhou.aliyuncs.com" }, false},
		{"prefix with leading slash", func(c *blob.S3Config) { c.Prefix = "/uploads/" }, false},
		{"prefix with dots", func(c *blob.S3Config) { c.Prefix = "../" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.change(&cfg)
			if _, err := blob.NewS3(cfg); (err == nil) != tt.ok {
				t.Errorf("NewS3 = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestS3ConfigStringHidesSecret(t *testing.T) {
	cfg := blob.S3Config{Endpoint: "minio:9000", Bucket: "b", AccessKey: "AK", SecretKey: "s3cr3t"}
	if s := cfg.String(); strings.Contains(s, "s3cr3t") {
		t.Errorf("String() = %q shows the secret key", s)
	}
}
