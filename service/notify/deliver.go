package notify

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/wechat"
)

// Sender sends WeChat subscribe messages; *wechat.Client is one.
type Sender interface {
	SendSubscribe(ctx context.Context, msg wechat.SubscribeMessage) error
}

// DelivererConfig tunes a Deliverer; the zero value is production's.
type DelivererConfig struct {
	// Lease is how long a claimed message is this node's; it must be well
	// above SendTimeout, or a slow send may be repeated by another node.
	// Default one minute.
	Lease time.Duration
	// SendTimeout bounds one WeChat call; default 10 s.
	SendTimeout time.Duration
	// MaxAttempts is how often a message is tried before it is marked
	// failed; default 20.
	MaxAttempts int
	// BaseBackoff and MaxBackoff bound the wait before a retry: it doubles
	// from BaseBackoff with each attempt up to MaxBackoff, less a random
	// part of up to half. Defaults 2 s and 10 min.
	BaseBackoff, MaxBackoff time.Duration
	// Batch is how many due messages one query reads; default 20.
	Batch int
	// Concurrency is how many messages one node sends at once; default 4.
	Concurrency int
}

func (c DelivererConfig) withDefaults() DelivererConfig {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Lease, time.Minute)
	def(&c.SendTimeout, 10*time.Second)
	def(&c.BaseBackoff, 2*time.Second)
	def(&c.MaxBackoff, 10*time.Minute)
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 20
	}
	if c.Batch <= 0 {
		c.Batch = 20
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	return c
}

// Backoff is the longest wait after failed attempt number attempt (1 for
// the first) before the next: BaseBackoff·2^(attempt-1), at most
// MaxBackoff. The actual wait lies between half of it and all of it.
func (c DelivererConfig) Backoff(attempt int) time.Duration {
	c = c.withDefaults()
	d := c.BaseBackoff
	for i := 1; i < attempt && d < c.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, c.MaxBackoff)
}

// DelivererDeps are the collaborators of a Deliverer.
type DelivererDeps struct {
	DB     *gorm.DB
	Sender Sender
	Now    func() time.Time // nil: time.Now
	Log    *slog.Logger     // nil: slog.Default()
}

// Deliverer sends the outbox's subscribe messages. Every node may run one:
// a message is claimed with a lease by a conditional UPDATE (as jobs are),
// so one node sends it, and a node that dies leaves it to the next once
// the lease runs out. Delivery is at least once: a send that outlives its
// lease may be repeated, which Lease ≫ SendTimeout makes unlikely.
type Deliverer struct {
	store *model.OutboxStore
	subs  *model.SubscriptionStore
	users *model.UserStore
	send  Sender
	cfg   DelivererConfig
	now   func() time.Time
	log   *slog.Logger
	wake  chan struct{}

	// after and passed let internal tests drive Run without waiting.
	after  func(time.Duration) <-chan time.Time
	passed func(n int)
}

// NewDeliverer returns a Deliverer of the outbox in d.DB.
func NewDeliverer(d DelivererDeps, cfg DelivererConfig) *Deliverer {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Deliverer{store: model.NewOutboxStore(d.DB), subs: model.NewSubscriptionStore(d.DB), users: model.NewUserStore(d.DB), send: d.Sender, cfg: cfg.withDefaults(),
		now: utc(d.Now), log: d.Log, wake: make(chan struct{}, 1), after: time.After}
}

// Wake makes Run look at the outbox now instead of at its next poll.
// It never blocks; a wake-up already pending absorbs this one.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers due messages until ctx ends: at once, then every poll
// (default 1 s) and whenever woken. It returns when the sends in flight
// have been recorded.
func (d *Deliverer) Run(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = time.Second
	}
	for {
		n, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.ErrorContext(ctx, "outbox delivery failed", "err", err)
		}
		if d.passed != nil {
			d.passed(n)
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-d.after(poll):
		}
	}
}

// handled are the outbox kinds this Deliverer sends; others (of a newer
// version during a rolling update) are left for a node that knows them.
var handled = []string{OutboxSubscribe}

// RunOnce delivers every message due now and returns how many it tried.
// The error is the database's; WeChat's errors are recorded per message.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	total := 0
	// Each round's messages leave the due set (sent, settled with a later
	// next attempt, or leased), so the loop ends.
	for ctx.Err() == nil {
		due, err := d.store.Due(ctx, handled, d.now(), d.cfg.Batch)
		if err != nil || len(due) == 0 {
			return total, err
		}
		n, err := d.deliverAll(ctx, due)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, nil
}

// deliverAll claims and sends msgs, Concurrency at a time, and returns how
// many it claimed and the first database error.
func (d *Deliverer) deliverAll(ctx context.Context, msgs []model.OutboxMessage) (int, error) {
	var (
		mu       sync.Mutex
		claimed  int
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, d.cfg.Concurrency)
	for i := range msgs {
		m := &msgs[i]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			won, err := d.deliver(ctx, m)
			mu.Lock()
			defer mu.Unlock()
			if won {
				claimed++
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	return claimed, firstErr
}

// deliver claims m and, if this node won it, sends it and records the
// outcome; it reports whether it won.
func (d *Deliverer) deliver(ctx context.Context, m *model.OutboxMessage) (bool, error) {
	now := d.now()
	won, err := d.store.Claim(ctx, m.ID, m.Attempts, now, now.Add(d.cfg.Lease))
	if err != nil || !won {
		return false, err
	}
	attempt := m.Attempts + 1
	var sendErr error
	var p subscribePayload
	if err := json.Unmarshal([]byte(m.Payload), &p); err != nil {
		sendErr = errBadPayload
	} else {
		sctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
		sendErr = d.send.SendSubscribe(sctx, p.message())
		cancel()
	}
	o := d.outcome(m, attempt, sendErr)
	// The outcome is recorded even when shutdown cancelled the send.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.store.Settle(rctx, m.ID, attempt, o.status, o.next, o.lastErr, o.sentAt); err != nil {
		if errors.Is(err, model.ErrConflict) {
			d.log.WarnContext(ctx, "outbox lease ran out before the outcome was recorded", "outbox_id", m.ID, "attempt", attempt)
			return true, nil
		}
		return true, err
	}
	d.logOutcome(ctx, m.ID, attempt, o)
	if errors.Is(sendErr, wechat.ErrNotSubscribed) {
		return true, d.zero(rctx, p)
	}
	return true, nil
}

// zero empties the ledger's balance of the message's user and template:
// WeChat said (43101) the user holds no subscription, whatever the ledger
// counted, so the next notices are in-app only until the user accepts
// again. Messages queued before a user_id was in the payload find the
// user by openid.
func (d *Deliverer) zero(ctx context.Context, p subscribePayload) error {
	if p.UserID == 0 {
		u, err := d.users.GetByOpenID(ctx, p.ToUser)
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		p.UserID = u.ID
	}
	return d.subs.Zero(ctx, p.UserID, p.TemplateID, d.now())
}

// Purge deletes sent and dead outbox messages older than age and returns
// how many went; failed ones stay for an operator to look at.
func (d *Deliverer) Purge(ctx context.Context, age time.Duration) (int64, error) {
	return d.store.Purge(ctx, d.now().Add(-age))
}
