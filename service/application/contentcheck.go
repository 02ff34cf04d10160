package application

import (
	"context"
	"log/slog"
	"strings"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/wechat"
	"gorm.io/gorm"
)

// JobContentCheck is the job kind of the applicants' free-text check.
const JobContentCheck = "content_check"

// SecChecker is WeChat's msg_sec_check (v2).
type SecChecker interface {
	MsgSecCheck(ctx context.Context, openid, content string) (wechat.Verdict, error)
}

// ContentCheck runs WeChat's content check on an application's free text
// after submission, in a background job: a risky verdict flags the
// application for the reviewer. It fails open — a WeChat outage is logged
// and never blocks a worker or a decision.
type ContentCheck struct {
	queue *jobs.Queue
	wx    SecChecker
	apps  *model.ApplicationStore
	users *model.UserStore
	log   *slog.Logger
}

// NewContentCheck returns the check; register its Handle with the job
// worker under JobContentCheck and pass it to New as Deps.Checker.
func NewContentCheck(db *gorm.DB, q *jobs.Queue, wx SecChecker, log *slog.Logger) *ContentCheck {
	if log == nil {
		log = slog.Default()
	}
	return &ContentCheck{queue: q, wx: wx, apps: model.NewApplicationStore(db), users: model.NewUserStore(db), log: log}
}

type checkPayload struct {
	ApplicationID int64 `json:"application_id,string"`
}

// QueueCheck enqueues the check in the submission's transaction.
func (c *ContentCheck) QueueCheck(ctx context.Context, applicationID int64) error {
	_, err := c.queue.Enqueue(ctx, JobContentCheck, 0, 0, checkPayload{ApplicationID: applicationID})
	return err
}

// Handle runs one check.
func (c *ContentCheck) Handle(ctx context.Context, j *jobs.Job) (any, error) {
	var p checkPayload
	if err := j.Decode(&p); err != nil {
		return nil, err
	}
	a, err := c.apps.Get(ctx, p.ApplicationID)
	if err != nil {
		return nil, err
	}
	u, err := c.users.Get(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, v := range []*string{&a.Name, a.EmployerName, a.JobTitle, a.DispatchAgencyName} {
		if v != nil && *v != "" {
			parts = append(parts, *v)
		}
	}
	verdict, err := c.wx.MsgSecCheck(ctx, u.OpenID, strings.Join(parts, "\n"))
	if err != nil {
		c.log.WarnContext(ctx, "content check skipped: WeChat unavailable (fail open)", "application_id", a.ID, "err", err)
		return map[string]string{"verdict": "unchecked"}, nil
	}
	if verdict != wechat.VerdictPass {
		if err := c.apps.SetFlagged(ctx, a.ID, true); err != nil {
			return nil, err
		}
	}
	return map[string]string{"verdict": string(verdict)}, nil
}
