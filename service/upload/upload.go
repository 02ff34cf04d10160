// Package upload keeps the applicants' photos and ID-card images: checked
// by content, stripped of metadata, encrypted before they reach storage,
// served only to their owner and to admins whose scope holds an
// application or member that uses them (audited), and deleted on schedule.
package upload

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/media"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/privacy"
)

// MaxSize is the largest file accepted (API.md §4).
const MaxSize = 5 << 20

// unreferencedTTL: a file no form uses is deleted after a day.
const unreferencedTTL = 24 * time.Hour

// Service stores and serves uploads.
type Service struct {
	db       *gorm.DB
	uploads  *model.UploadStore
	consents *model.ConsentStore
	apps     *model.ApplicationStore
	members  *model.MemberStore
	store    blob.Store
	pii      *pii.Cipher
	audit    Auditor
	notice   *privacy.Notice // a consent must name its version
	decodes  *media.Budget   // the node's image decodes: one Service per node
	now      func() time.Time
	log      *slog.Logger
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Deps are the service's collaborators.
type Deps struct {
	DB    *gorm.DB
	Store blob.Store
	PII   *pii.Cipher
	Audit Auditor
	// Notice is the current privacy notice: an upload needs a consent to
	// it (the built-in one when nil).
	Notice *privacy.Notice
}

// New returns the upload service.
func New(env service.Env, d Deps) *Service {
	env = env.WithDefaults()
	if d.Notice == nil {
		d.Notice = privacy.Default()
	}
	return &Service{db: d.DB, uploads: model.NewUploadStore(d.DB), consents: model.NewConsentStore(d.DB),
		apps: model.NewApplicationStore(d.DB), members: model.NewMemberStore(d.DB), store: d.Store, pii: d.PII,
		audit: d.Audit, notice: d.Notice, decodes: media.NewBudget(media.DefaultBudgetBytes, media.DefaultBudgetWait),
		now: env.Now, log: env.Log}
}

// Kinds of file and whether they hold sensitive data (ID cards).
var kinds = map[string]bool{
	model.UploadPhoto: false, model.UploadIDCardFront: true, model.UploadIDCardBack: true, model.UploadProof: false,
}

// Put checks, strips, encrypts and stores one file. It needs a current
// consent to the current notice: personal_info, and sensitive_info for
// ID-card images; and room in the owner's quota (quota.go).
func (s *Service) Put(ctx context.Context, ownerID int64, kind string, r io.Reader) (*model.Upload, error) {
	sensitive, known := kinds[kind]
	if !known {
		return nil, service.InvalidField("kind", "文件类型应为 photo（照片）、id_card_front、id_card_back（身份证正反面）或 proof（证明材料）")
	}
	c, err := s.consents.Current(ctx, ownerID)
	switch {
	case errors.Is(err, model.ErrNotFound) || (err == nil && !c.PersonalInfo):
		return nil, service.InvalidField("consent", "请先阅读并同意个人信息处理告知书")
	case err == nil && c.Version != s.notice.Version:
		return nil, service.InvalidField("consent", "个人信息处理告知书已更新，请重新阅读并同意")
	case err != nil:
		return nil, err
	case sensitive && !c.SensitiveInfo:
		return nil, service.InvalidField("consent", "上传身份证照片需要您单独同意处理敏感个人信息")
	}
	if err := s.checkQuota(ctx, ownerID); err != nil {
		return nil, err
	}
	res, err := media.Process(ctx, r, MaxSize, s.decodes)
	if err != nil {
		return nil, err
	}
	id := model.NewID()
	sealed, err := s.pii.EncryptBytes(pii.UploadFile.Row(id), res.Data)
	if err != nil {
		return nil, err
	}
	key := blob.NewKey()
	if err := s.store.Put(ctx, key, sealed); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	deleteAfter := now.Add(unreferencedTTL)
	u := &model.Upload{ID: id, OwnerID: ownerID, Kind: kind, StorageKey: key, SHA256: res.SHA256,
		Size: res.Size, ContentType: res.ContentType, Width: res.Width, Height: res.Height,
		Orientation: res.Orientation, KeyID: s.pii.ActiveKeyID(), CreatedAt: now, DeleteAfter: &deleteAfter}
	if err := s.uploads.Create(ctx, u); err != nil {
		_ = s.store.Delete(ctx, key) // the row is the only way to find the file
		return nil, err
	}
	return u, nil
}

// Open returns a file to its owner.
func (s *Service) Open(ctx context.Context, userID, id int64) (*model.Upload, []byte, error) {
	u, err := s.uploads.Get(ctx, id, s.now().UTC())
	if err != nil || u.OwnerID != userID {
		return nil, nil, errUploadNotFound
	}
	data, err := s.read(ctx, u)
	return u, data, err
}

// OpenAsAdmin returns a file to an admin whose scope holds an application
// or member using it; the read is audited.
func (s *Service) OpenAsAdmin(ctx context.Context, sc access.Scope, id int64) (*model.Upload, []byte, error) {
	paths := sc.Paths(access.Review)
	u, err := s.uploads.Get(ctx, id, s.now().UTC())
	if err != nil {
		return nil, nil, errUploadNotFound
	}
	orgID, err := s.apps.UsesUpload(ctx, id, paths)
	if err == nil && orgID == 0 {
		orgID, err = s.members.UsesUpload(ctx, id, paths)
	}
	if err != nil {
		return nil, nil, err
	}
	if orgID == 0 {
		return nil, nil, errUploadNotFound
	}
	if s.audit != nil {
		if err := s.audit.Record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: orgID, Action: "upload.read",
			Target: "upload:" + itoa(u.ID), Detail: map[string]any{"kind": u.Kind}}); err != nil {
			return nil, nil, err
		}
	}
	data, err := s.read(ctx, u)
	return u, data, err
}

func (s *Service) read(ctx context.Context, u *model.Upload) ([]byte, error) {
	sealed, err := s.store.Get(ctx, u.StorageKey)
	if err != nil {
		return nil, err
	}
	return s.pii.DecryptBytes(pii.UploadFile.Row(u.ID), sealed)
}

// Cleanup deletes the files whose time has come: unreferenced uploads a
// day old, withdrawn applications' files, ID-card images the retention
// period after the decision. It is a periodic job run by one node.
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.uploads.Due(ctx, s.now().UTC(), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		for _, u := range due {
			if err := s.remove(ctx, &u); err != nil {
				return n, err
			}
			n++
		}
	}
}

// Purge deletes the files of ids now, after the transaction that made them
// due has committed (a withdrawal of consent). What it cannot delete stays
// due, unreadable, for Cleanup.
func (s *Service) Purge(ctx context.Context, ids []int64) error {
	us, err := s.uploads.Undeleted(ctx, ids)
	if err != nil {
		return err
	}
	for i := range us {
		if err := s.remove(ctx, &us[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) remove(ctx context.Context, u *model.Upload) error {
	if err := s.store.Delete(ctx, u.StorageKey); err != nil && !errors.Is(err, blob.ErrNotFound) {
		return err
	}
	return s.uploads.MarkDeleted(ctx, u.ID, s.now().UTC())
}

var errUploadNotFound = service.E(service.KindNotFound, "没有找到该文件")
