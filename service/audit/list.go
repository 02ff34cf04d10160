package audit

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

// Filter narrows the admin list.
type Filter struct {
	OrgID  int64  // 0: the caller's whole scope; else that org's subtree
	Action string // "": every action
}

// Row is one audit row as the admin list shows it.
type Row struct {
	ID        int64
	Seq       int64
	ActorID   int64 // 0: the system
	OrgID     int64
	Action    string
	Target    string
	RequestID string
	Detail    json.RawMessage
	CreatedAt time.Time
	PrevHash  string
	Hash      string
}

// List returns the rows of orgs in the subtrees under paths (the caller's
// scope for access.AuditRead), newest first. Rows without an org (system
// actions) are listed to nobody; Verify still checks them. An org filter
// outside the scope is 404, as if the org did not exist.
func (s *Service) List(ctx context.Context, paths []string, f Filter, p model.Page) ([]Row, *string, error) {
	mf := model.AuditFilter{Paths: paths, Action: f.Action}
	if f.OrgID != 0 {
		o, err := model.NewOrgStore(s.db).GetInScope(ctx, f.OrgID, paths)
		if errors.Is(err, model.ErrNotFound) {
			return nil, nil, errOrgNotFound
		}
		if err != nil {
			return nil, nil, err
		}
		mf.OrgPath = o.Path
	}
	rows, err := s.store.List(ctx, mf, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(r model.AuditLog) model.Cursor {
		return model.Cursor{At: r.CreatedAt, ID: r.ID}
	})
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = Row{ID: r.ID, Seq: r.Seq, ActorID: deref(r.ActorID), OrgID: deref(r.OrgID), Action: r.Action,
			Target: r.Target, RequestID: r.RequestID, Detail: json.RawMessage(r.Detail), CreatedAt: r.CreatedAt,
			PrevHash: r.PrevHash, Hash: r.Hash}
	}
	return out, next, nil
}

var errOrgNotFound = service.E(service.KindNotFound, "没有找到该组织")
