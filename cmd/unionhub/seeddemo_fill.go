package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/stats"
)

// demoCounts is what fillDemo made, printed by seed-demo.
type demoCounts struct {
	Members       int            `json:"members"`
	Left          int            `json:"members_left"`
	Applications  map[string]int `json:"applications"`
	Overdue       int            `json:"overdue_applications"`
	Transfers     map[string]int `json:"transfers"`
	Benefits      int            `json:"benefits"`
	Verifications int            `json:"verifications"`
	Redemptions   int            `json:"redemptions"`
}

// Sizes of the demo's data.
const (
	demoMembers      = 3000
	demoApplications = 150
	demoLeaveEvery   = 12 // one member in 12 has left, spread over the last year
)

// fillDemo puts members on the demo unions' rolls (joined over the last
// three years, some left during the last twelve months), applications in
// every state (some submitted more than 15 working days ago, so overdue),
// transfers pending and decided, benefits with card checks and
// redemptions, in bulk as seed-bench does; then it recounts the counters
// (st.Reconcile + Fix), so `stats reconcile` finds no drift.
func fillDemo(ctx context.Context, db *gorm.DB, cipher *pii.Cipher, st *stats.Service, cal *calendar.Calendar,
	loc *time.Location, root *model.Org, unions []*model.Org, now time.Time) (demoCounts, error) {
	out := demoCounts{Applications: map[string]int{}, Transfers: map[string]int{}}
	b := &bench{db: db, cipher: cipher, batch: 500, root: root, unions: unions,
		o: benchOptions{Unions: len(unions), Members: demoMembers, Applications: demoApplications, Workers: 1,
			Seed: 16, Now: now, Calendar: cal, Location: loc}}
	b.counts, b.starts = make([]int, len(unions)), make([]int, len(unions))
	given := 0
	for i := range unions {
		// Uneven sizes, the same on every run.
		b.counts[i] = demoMembers * (1 + i*7%5) / (len(unions) * 3)
		b.starts[i] = given
		given += b.counts[i]
	}
	for i := 0; given < demoMembers; i = (i + 1) % len(unions) {
		b.counts[i]++
		given++
	}
	for i := 1; i < len(unions); i++ {
		b.starts[i] = b.starts[i-1] + b.counts[i-1]
	}
	if err := b.members(ctx); err != nil {
		return out, err
	}
	out.Members = demoMembers
	// The queue is at the other unions: the first one (where the console
	// e2e makes its chair and applications) keeps a short queue of its own.
	b.unions = append(append([]*model.Org{}, unions[len(unions)/2:]...), unions[1:len(unions)/2]...)
	n, _, _, err := b.applications(ctx)
	if err != nil {
		return out, err
	}
	out.Applications[model.AppSubmitted] = n

	r := rand.New(rand.NewPCG(16, 6))
	var ms []model.Member
	if err := db.WithContext(ctx).Order("id").Find(&ms).Error; err != nil {
		return out, err
	}
	err = model.InTx(ctx, db, func(ctx context.Context) error {
		tx := model.Conn(ctx, db)
		var evs []model.MembershipEvent
		var onRoll []model.Member
		for i, m := range ms {
			if i%demoLeaveEvery != 5 {
				onRoll = append(onRoll, m)
				continue
			}
			// Left in month i/12 % 12 before this one, after joining.
			at := now.AddDate(0, -(i/demoLeaveEvery)%12, -r.IntN(25))
			if !at.After(m.CreatedAt) {
				at = m.CreatedAt.Add(now.Sub(m.CreatedAt) / 2)
			}
			if err := tx.Model(&model.Member{}).Where("id = ?", m.ID).
				Updates(map[string]any{"status": model.MemberLeft, "roll_key": nil, "updated_at": at}).Error; err != nil {
				return err
			}
			code, _ := codes.NationalChangeType("leave")
			reason := "本人申请退会"
			evs = append(evs, model.MembershipEvent{ID: model.NewID(), MemberID: m.ID, Type: "leave",
				NationalCode: &code, Reason: &reason, FromOrgID: &m.OrgID, CreatedAt: at})
			out.Left++
		}
		if err := tx.CreateInBatches(evs, b.batch).Error; err != nil {
			return model.Translate(err)
		}
		return demoTransfers(tx, onRoll, unions, now, &out)
	})
	if err != nil {
		return out, err
	}
	if err := demoApplicationStates(ctx, db, now, loc, &out); err != nil {
		return out, err
	}
	if err := demoBenefits(ctx, db, root, ms, now, &out); err != nil {
		return out, err
	}
	drifts, err := st.Reconcile(ctx)
	if err != nil {
		return out, err
	}
	return out, st.Fix(ctx, drifts)
}

// demoTransfers asks to move a few members to another union: some still
// pending, some approved or rejected.
func demoTransfers(tx *gorm.DB, onRoll []model.Member, unions []*model.Org, now time.Time, out *demoCounts) error {
	var ts []model.Transfer
	for k := range 12 {
		m := onRoll[(k*97+13)%len(onRoll)]
		to := unions[(k*5+3)%len(unions)]
		if to.ID == m.OrgID {
			to = unions[(k*5+4)%len(unions)]
		}
		at := now.Add(-time.Duration(k+1) * 26 * time.Hour)
		reason := "工作调动"
		t := model.Transfer{ID: model.NewID(), MemberID: m.ID, UserID: 0, FromOrgID: m.OrgID, ToOrgID: to.ID,
			Status: model.TransferPending, Reason: &reason, Version: 1, CreatedAt: at, UpdatedAt: at}
		switch k % 3 {
		case 0:
			t.PendingKey = &t.MemberID
		case 1:
			t.Status = model.TransferRejected
		case 2:
			t.Status = model.TransferApproved
		}
		if t.Status != model.TransferPending {
			decided, why := at.Add(3*time.Hour), "已核实"
			t.DecidedAt, t.DecisionReason = &decided, &why
		}
		ts = append(ts, t)
		out.Transfers[t.Status]++
	}
	return model.Translate(tx.Create(&ts).Error)
}

// demoApplicationStates moves some of the submitted applications to the
// other states, decided within the last few months.
func demoApplicationStates(ctx context.Context, db *gorm.DB, now time.Time, loc *time.Location, out *demoCounts) error {
	var apps []model.Application
	if err := db.WithContext(ctx).Where("status = ?", model.AppSubmitted).Order("id").Find(&apps).Error; err != nil {
		return err
	}
	states := []string{model.AppDraft, model.AppReturned, model.AppApproved, model.AppRejected, model.AppWithdrawn}
	return model.InTx(ctx, db, func(ctx context.Context) error {
		tx := model.Conn(ctx, db)
		for k := range 50 {
			a := apps[len(apps)-1-k]
			to := states[k%len(states)]
			at := now.AddDate(0, -k%4, -k%20)
			if a.SubmittedAt != nil && at.Before(*a.SubmittedAt) {
				at = a.SubmittedAt.Add(time.Hour)
			}
			if at.After(now) {
				at = now
			}
			f := map[string]any{"status": to, "updated_at": at}
			switch to {
			case model.AppDraft:
				f["submitted_at"], f["due_on"] = nil, nil
			case model.AppReturned:
				f["review_reason"], f["reviewed_at"] = "请补充单位在职证明", at
			case model.AppApproved, model.AppRejected:
				f["reviewed_at"], f["open_key"], f["due_on"] = at, nil, nil
				if to == model.AppRejected {
					f["review_reason"] = "所在单位已建会，请向本单位工会申请"
				}
			case model.AppWithdrawn:
				f["open_key"], f["due_on"] = nil, nil
			}
			if err := tx.Model(&model.Application{}).Where("id = ?", a.ID).Updates(f).Error; err != nil {
				return model.Translate(err)
			}
			out.Applications[to]++
			out.Applications[model.AppSubmitted]--
		}
		var n int64
		err := tx.Model(&model.Application{}).Where("status = ? AND due_on < ?", model.AppSubmitted,
			calendar.DateOf(now.In(loc)).String()).Count(&n).Error
		out.Overdue = int(n)
		return err
	})
}

// demoBenefits offers two benefits at the root and records card checks
// and redemptions by members over the last months.
func demoBenefits(ctx context.Context, db *gorm.DB, root *model.Org, ms []model.Member, now time.Time, out *demoCounts) error {
	verifier := model.User{ID: model.NewID(), OpenID: "demo-verifier", CreatedAt: now, UpdatedAt: now}
	limit := 4
	bs := []model.Benefit{
		{ID: model.NewID(), OrgID: root.ID, Title: "会员观影优惠", Description: "凭会员卡每月观影享半价",
			StartsOn: now.AddDate(0, -6, 0).Format("2006-01-02"), EndsOn: now.AddDate(0, 6, 0).Format("2006-01-02"),
			PerMemberLimit: &limit, CreatedBy: verifier.ID, CreatedAt: now.AddDate(0, -6, 0), UpdatedAt: now},
		{ID: model.NewID(), OrgID: root.ID, Title: "职工体检", Description: "合作医院年度体检套餐八折",
			StartsOn: now.AddDate(0, -3, 0).Format("2006-01-02"), EndsOn: now.AddDate(1, 0, 0).Format("2006-01-02"),
			CreatedBy: verifier.ID, CreatedAt: now.AddDate(0, -3, 0), UpdatedAt: now},
	}
	var vs []model.Verification
	var rs []model.Redemption
	for k := range 40 {
		m := ms[(k*53+7)%len(ms)]
		if m.Status == model.MemberLeft {
			continue
		}
		b := bs[k%2]
		at := now.Add(-time.Duration(k*37) * time.Hour)
		if at.Before(b.CreatedAt) {
			at = b.CreatedAt.Add(time.Duration(k) * time.Hour)
		}
		token := fmt.Sprintf("demo-token-%d", k)
		result := "valid"
		if k%9 == 4 {
			result = "expired"
		}
		vs = append(vs, model.Verification{ID: model.NewID(), VerifierID: verifier.ID, MemberID: &m.ID, BenefitID: &b.ID,
			TokenID: &token, Result: result, CreatedAt: at})
		if result == "valid" {
			rs = append(rs, model.Redemption{ID: model.NewID(), BenefitID: b.ID, MemberID: m.ID, TokenID: token,
				VerifierID: verifier.ID, CreatedAt: at})
		}
	}
	usage := map[[2]int64]int{}
	for _, r := range rs {
		usage[[2]int64{r.BenefitID, r.MemberID}]++
	}
	var us []benefitUsageRow
	for k, n := range usage {
		us = append(us, benefitUsageRow{BenefitID: k[0], MemberID: k[1], Used: n})
	}
	out.Benefits, out.Verifications, out.Redemptions = len(bs), len(vs), len(rs)
	return model.InTx(ctx, db, func(ctx context.Context) error {
		tx := model.Conn(ctx, db)
		for _, v := range []any{&verifier, &bs, &vs, &rs} {
			if err := tx.Create(v).Error; err != nil {
				return model.Translate(err)
			}
		}
		if len(us) == 0 {
			return nil
		}
		return model.Translate(tx.Create(&us).Error)
	})
}

// benefitUsageRow is a row of benefit_usage (a member's redemptions of a
// benefit), which the redemption service keeps beside the redemptions.
type benefitUsageRow struct {
	BenefitID int64 `gorm:"primaryKey;autoIncrement:false"`
	MemberID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Used      int
}

func (benefitUsageRow) TableName() string { return "benefit_usage" }
