package mydata

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
)

// progress is a data export's job result while it runs: the storage prefix
// of the file being written, so a later attempt can delete what a dead one
// left.
type progress struct {
	Prefix string `json:"prefix,omitempty"`
}

// Handle runs data-export job j: the jobs Worker's handler for JobKind. It
// writes the ZIP (data.json, data.xlsx, images/…) straight into a new job
// file, sealed part by part, so no plaintext touches the disk; an attempt
// taken over after a crash deletes what the dead one wrote and starts
// again.
func (s *Service) Handle(ctx context.Context, j *jobs.Job) (any, error) {
	if len(j.Result) > 0 {
		var prev progress
		if json.Unmarshal(j.Result, &prev) == nil && prev.Prefix != "" {
			if err := s.files.Discard(ctx, prev.Prefix); err != nil {
				return nil, err
			}
		}
	}
	fw := s.files.NewWriter(ctx)
	if err := s.queue.SetProgress(ctx, j.ID, j.LeaseOwner, progress{Prefix: fw.Prefix()}); err != nil {
		return nil, err
	}
	err := s.write(ctx, j.CreatedBy, fw)
	if err == nil {
		err = fw.Close()
	}
	if err == nil {
		_, err = s.files.Record(ctx, fw, jobfile.Meta{JobID: j.ID, Kind: FileKind, OwnerID: j.CreatedBy,
			Filename: s.filename(s.now()), ContentType: "application/zip", TTL: FileTTL})
	}
	if err != nil {
		fw.Abort()
		return nil, err
	}
	return progress{}, nil
}

// write writes the user's ZIP into out.
func (s *Service) write(ctx context.Context, userID int64, out io.Writer) error {
	d, err := s.Collect(ctx, userID, true)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	if err := s.images(ctx, zw, userID, d); err != nil {
		return err
	}
	w, err := zw.Create("data.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return err
	}
	if w, err = zw.Create("data.xlsx"); err != nil {
		return err
	}
	if err := writeSheets(w, d); err != nil {
		return err
	}
	return zw.Close()
}

// images stores the user's files, decrypted, under images/ and names each
// in d.Uploads. A file deleted meanwhile is left out.
func (s *Service) images(ctx context.Context, zw *zip.Writer, userID int64, d *Data) error {
	for i := range d.Uploads {
		u := &d.Uploads[i]
		_, data, err := s.photos.Open(ctx, userID, mustID(u.ID))
		var se *service.Error
		if errors.Is(err, model.ErrNotFound) || (errors.As(err, &se) && se.Kind == service.KindNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("upload %s: %w", u.ID, err)
		}
		name := "images/" + u.Kind + "-" + u.ID + extension(u.ContentType)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: u.CreatedAt})
		if err == nil {
			_, err = w.Write(data)
		}
		if err != nil {
			return err
		}
		u.File = name
	}
	return nil
}

func extension(contentType string) string {
	switch contentType {
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	default:
		return ".jpg"
	}
}

func mustID(s string) int64 {
	var id int64
	_, _ = fmt.Sscan(s, &id)
	return id
}
