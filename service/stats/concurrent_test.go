package stats_test

import (
	"context"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestConcurrentTransfersDoNotDeadlock moves members between two cities in
// both directions at once, while others join and applications are decided:
// every transaction touches the root's and both cities' rows, in whatever
// buckets its member falls. With the rows locked in one order no
// transaction deadlocks (MySQL would abort one with error 1213), and the
// counters still equal the recount.
func TestConcurrentTransfersDoNotDeadlock(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		const perSide, rounds = 12, 3
		var left, right []*model.Member
		for range perSide {
			left = append(left, w.join(w.u1, person{female: true}))
			right = append(right, w.join(w.u3, person{migrant: true}))
		}
		var apps []*model.Application
		for range perSide {
			apps = append(apps, w.apply(w.u2, true))
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*2*rounds*perSide+2*perSide)
		run := func(fn func(ctx context.Context) error) {
			defer wg.Done()
			errs <- model.InTx(context.Background(), db, fn)
		}
		for i := range perSide {
			l, r := left[i], right[i]
			wg.Add(3)
			go func() {
				defer wg.Done()
				for k := range 2 * rounds {
					to := w.u3
					if k%2 == 1 {
						to = w.u1
					}
					wg.Add(1)
					run(func(ctx context.Context) error { return w.transferTx(ctx, l, to) })
				}
			}()
			go func() {
				defer wg.Done()
				for k := range 2 * rounds {
					to := w.u1
					if k%2 == 1 {
						to = w.u3
					}
					wg.Add(1)
					run(func(ctx context.Context) error { return w.transferTx(ctx, r, to) })
				}
			}()
			go func() {
				defer wg.Done()
				a := apps[i]
				wg.Add(2)
				run(func(ctx context.Context) error {
					_, err := w.newMemberCounted(ctx, w.u2)
					return err
				})
				run(func(ctx context.Context) error { return w.decideTx(ctx, a, i%2 == 0) })
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent change: %v", err)
			}
		}
		w.noDrift()
		ov := w.overview(w.root, "")
		if ov.Members.Total != 2*perSide+perSide+perSide/2 || ov.Members.Female != perSide || ov.Applications.Pending != 0 {
			t.Errorf("root after the storm: %+v %+v", ov.Members, ov.Applications)
		}
	})
}

// newMemberCounted puts a member on the roll in the caller's transaction.
func (w *world) newMemberCounted(ctx context.Context, o *model.Org) (*model.Member, error) {
	m, err := w.newMember(ctx, o, person{})
	if err != nil {
		return nil, err
	}
	return m, w.st.MemberChanged(ctx, nil, m)
}

// decideTx approves (with a new member) or rejects a submitted application
// in the caller's transaction.
func (w *world) decideTx(ctx context.Context, a *model.Application, approve bool) error {
	to := model.AppRejected
	if approve {
		to = model.AppApproved
	}
	now := w.clock.Now().UTC()
	err := model.NewApplicationStore(w.db).Transition(ctx, a.ID, a.Version, []string{model.AppSubmitted},
		map[string]any{"status": to, "reviewed_at": now, "updated_at": now})
	if err != nil {
		return err
	}
	var m *model.Member
	if approve {
		if m, err = w.newMember(ctx, w.u2, person{}); err != nil {
			return err
		}
	}
	return w.st.ApplicationMoved(ctx, a, nil, model.AppSubmitted, to, m)
}
