package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/mydata"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// Steps of a deletion, as AfterStep names them.
const (
	StepClosed = "closed" // the account is closed: nothing of it is readable
	StepFiles  = "files"  // its files and cache entries are gone
	StepErased = "erased" // its rows are deleted or erased; the request is done
)

// dueBatch is how many requests one read of the due ones returns.
const dueBatch = 20

// RunDue carries out every request whose time has come, and finishes those
// a node died in the middle of; it is the periodic task
// "account_deactivations", run under its lease by one node at a time. It
// returns how many it carried out.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.requests.Due(ctx, s.now().UTC(), dueBatch)
		if err != nil || len(due) == 0 {
			return n, err
		}
		for i := range due {
			if err := s.carryOut(ctx, &due[i]); err != nil {
				return n, fmt.Errorf("deactivation %d: %w", due[i].ID, err)
			}
			n++
		}
	}
}

// carryOut deletes the account of r in three steps, each idempotent, so a
// node that dies anywhere leaves a request that the next run finishes:
//
//  1. closed (one transaction): the request is running; the WeChat
//     binding (openid, unionid) and phone are gone, so a new login makes a
//     new user; every session and role ends; consents are withdrawn (the
//     applications' forms are then masked for everyone); the open
//     application is withdrawn and every file made due (unreadable from
//     the commit on); the member record leaves the roll if asked and is
//     unlinked; queued subscribe messages are dropped. From here no API
//     path reads what the later steps delete.
//  2. files: the uploads and data-export files are deleted from storage;
//     the cache entries about the user and the rate-limit counts naming
//     what they tried are dropped.
//  3. erased (one transaction): the rows left are deleted or erased
//     (model.AccountStore.EraseUserData), the request is done and audited
//     without personal data.
func (s *Service) carryOut(ctx context.Context, r *model.DeactivationRequest) error {
	if r.Status == model.DeactivationPending {
		started, err := s.close(ctx, r)
		if err != nil || !started {
			return err
		}
		s.after(ctx, StepClosed)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.deleteFiles(ctx, r); err != nil {
		return err
	}
	s.after(ctx, StepFiles)
	if err := ctx.Err(); err != nil {
		return err
	}
	sessions, err := s.erase(ctx, r)
	if err != nil {
		return err
	}
	keys := make([]string, len(sessions))
	for i, sid := range sessions {
		keys[i] = "sess:" + itoa(sid)
	}
	if err := s.cache.Delete(ctx, keys...); err != nil {
		// The entries say "revoked" and expire with the access tokens.
		s.log.WarnContext(ctx, "session cache entries of a cancelled account left to expire", "err", err)
	}
	s.after(ctx, StepErased)
	return nil
}

func (s *Service) after(ctx context.Context, step string) {
	if s.cfg.AfterStep != nil {
		s.cfg.AfterStep(ctx, step)
	}
}

// close is step 1; false when the request is no longer pending (the user
// cancelled it, or another node started it).
func (s *Service) close(ctx context.Context, r *model.DeactivationRequest) (started bool, err error) {
	now := s.now().UTC()
	var due []int64
	var members []int64
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		if started, err = s.requests.Start(ctx, r.ID, now); err != nil || !started {
			return err
		}
		if r.LeaveRoll {
			if _, err := s.roll.LeaveForAccount(ctx, r.UserID); err != nil {
				return err
			}
		}
		if members, err = s.accounts.MembersOf(ctx, r.UserID); err != nil {
			return err
		}
		if err := s.accounts.UnlinkMembers(ctx, r.UserID, now); err != nil {
			return err
		}
		if due, err = s.apps.CloseForAccount(ctx, r.UserID); err != nil {
			return err
		}
		if _, err := s.consents.Withdraw(ctx, r.UserID, now); err != nil {
			return err
		}
		for _, step := range []func(context.Context, int64, time.Time) error{
			s.accounts.CloseUser, s.accounts.RevokeRoles,
		} {
			if err := step(ctx, r.UserID, now); err != nil {
				return err
			}
		}
		// Every node stops serving the revoked roles from the cache once
		// this commits (a tombstone written here, settled after).
		if err := s.roles.ForgetRoles(ctx, r.UserID); err != nil {
			return err
		}
		if err := s.accounts.DropOutbox(ctx, r.UserID); err != nil {
			return err
		}
		// Before the commit too: a node that dies right after it must not
		// leave a card state that still accepts the old cards.
		s.invalidateCards(ctx, members)
		return s.sessions.RevokeAll(ctx, r.UserID, "deactivated")
	})
	if err != nil || !started {
		return started, err
	}
	s.invalidateCards(ctx, members)
	r.Status = model.DeactivationRunning
	if err := s.files.Purge(ctx, due); err != nil {
		s.log.WarnContext(ctx, "files of a cancelled account left to the next step", "err", err)
	}
	return true, nil
}

func (s *Service) invalidateCards(ctx context.Context, members []int64) {
	for _, id := range members {
		if err := s.cards.Invalidate(ctx, id); err != nil {
			s.log.WarnContext(ctx, "card cache invalidation failed", "member_id", id, "err", err)
		}
	}
}

// deleteFiles is step 2.
func (s *Service) deleteFiles(ctx context.Context, r *model.DeactivationRequest) error {
	ids, err := s.accounts.UploadsLeft(ctx, r.UserID)
	if err != nil {
		return err
	}
	if err := s.files.Purge(ctx, ids); err != nil {
		return err
	}
	jobs, err := s.accounts.JobFilesLeft(ctx, r.UserID, mydata.FileKind)
	if err != nil {
		return err
	}
	for _, id := range jobs {
		if err := s.jobFiles.Delete(ctx, id); err != nil {
			return err
		}
	}
	// Nothing about the user stays in the cache: step 1 stopped the roles
	// (its ForgetRoles settled when it committed), and no change can be
	// pending on them now, as the user has no live binding left.
	if err := s.cache.Delete(ctx, org.RolesCacheKey(r.UserID), card.MyCardCacheKey(r.UserID, 0)); err != nil {
		return err
	}
	return s.forgetCounters(ctx, r)
}

// forgetCounters drops the user's daily rate-limit counts since a day
// before the request (older ones have expired), with the ID numbers'
// blind indexes the distinct counts recorded. Counts of shorter windows
// hold only a number and expire within the hour.
func (s *Service) forgetCounters(ctx context.Context, r *model.DeactivationRequest) error {
	idx, err := s.accounts.ApplicationIDIndexes(ctx, r.UserID)
	if err != nil {
		return err
	}
	uid := itoa(r.UserID)
	since := r.RequestedAt.Add(-24 * time.Hour)
	day := ratelimit.Daily(s.loc)
	for _, f := range []struct {
		key     string
		members []string
	}{
		{"idnum:" + uid, idx}, {"onroll:" + uid, nil}, {"phone:" + uid, nil},
		{"user:me-data-export:" + uid, nil}, {"user:app-write:" + uid, nil}, {"user:upload:" + uid, nil},
		{"user:rights:" + uid, nil},
	} {
		if err := s.counters.Forget(ctx, f.key, day, since, f.members...); err != nil {
			return err
		}
	}
	return nil
}

// erase is step 3; it returns the ids of the sessions it deleted.
func (s *Service) erase(ctx context.Context, r *model.DeactivationRequest) ([]int64, error) {
	now := s.now().UTC()
	var sessions []int64
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if sessions, err = s.accounts.SessionIDs(ctx, r.UserID); err != nil {
			return err
		}
		if err := s.accounts.EraseUserData(ctx, r.UserID, mydata.FileKind, mydata.JobKind, now); err != nil {
			return err
		}
		if err := s.requests.Finish(ctx, r.ID, r.UserID, now); err != nil {
			return err
		}
		return s.record(ctx, 0, r.UserID, "account.deactivated", map[string]any{"request_id": itoa(r.ID),
			"source": r.Source, "leave": r.LeaveRoll})
	})
	if errors.Is(err, model.ErrNotFound) {
		err = nil
	}
	return sessions, err
}
