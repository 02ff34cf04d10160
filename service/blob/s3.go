package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names an S3-compatible bucket: AWS S3, Aliyun OSS, Tencent COS,
// MinIO.
type S3Config struct {
	Endpoint  string // host[:port] without scheme, e.g. "oss-cn-hangzhou.aliyuncs.com"
	Region    string // optional; when empty the client asks for the bucket's location once
	Bucket    string
	AccessKey string
	SecretKey string
	UseTLS    bool
	// Prefix is prepended verbatim to every key, e.g. "uploads/"; optional.
	Prefix string
}

// String describes the configuration without the secret key, for logs.
func (c S3Config) String() string {
	scheme := "http"
	if c.UseTLS {
		scheme = "https"
	}
	return fmt.Sprintf("s3 %s://%s/%s/%s (region %q, access key %q)",
		scheme, c.Endpoint, c.Bucket, c.Prefix, c.Region, c.AccessKey)
}

// S3 is a Store in a bucket of an S3-compatible object store. Objects are
// named Prefix + key; the bucket must exist.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

// NewS3 returns an S3 for cfg. It does not contact the server; Check does.
func NewS3(cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("blob: s3 store needs an endpoint and a bucket")
	}
	if strings.Contains(cfg.Endpoint, "/") {
		return nil, fmt.Errorf("blob: s3 endpoint %q must be host[:port], without scheme or path", cfg.Endpoint)
	}
	if p := strings.TrimSuffix(cfg.Prefix, "/"); p != "" {
		if err := checkSegments(p); err != nil {
			return nil, fmt.Errorf("blob: s3 prefix: %w", err)
		}
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseTLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 store: %w", err)
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix}, nil
}

// Check reports whether the bucket exists and the credentials reach it,
// for a check at start-up.
func (s *S3) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("blob: s3 bucket %q: %w", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("blob: s3 bucket %q does not exist", s.bucket)
	}
	return nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, data []byte) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	// One plain PUT with Content-MD5 and an unsigned payload. Over plain
	// HTTP minio-go would otherwise send aws-chunked streaming signatures,
	// which Aliyun OSS refuses ("Aws MultiChunkedEncoding is not
	// supported"); the MD5 still guards the transfer, and the data is
	// authenticated ciphertext anyway.
	_, err = s.client.PutObject(ctx, s.bucket, name, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{
			ContentType:          "application/octet-stream",
			SendContentMd5:       true,
			DisableContentSha256: true,
			DisableMultipart:     true,
		})
	if err != nil {
		return fmt.Errorf("blob: s3 put %s: %w", name, err)
	}
	return nil
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string) ([]byte, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, getError(key, name, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj) // the request happens here
	if err != nil {
		return nil, getError(key, name, err)
	}
	return data, nil
}

func getError(key, name string, err error) error {
	if s3Code(err) == "NoSuchKey" {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("blob: s3 get %s: %w", name, err)
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	err = s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
	if err != nil && s3Code(err) != "NoSuchKey" { // S3 says 204; some stores say 404
		return fmt.Errorf("blob: s3 delete %s: %w", name, err)
	}
	return nil
}

// object returns the object name of key.
func (s *S3) object(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// s3Code returns the S3 error code of err ("NoSuchKey", "AccessDenied" …),
// or "" when err is not an S3 error response.
func s3Code(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}
