package mydata

import (
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/pii"
)

// applications adds the user's applications with their forms and
// timelines.
func (c *collector) applications(d *Data, userID int64) error {
	apps, err := c.s.store.Applications(c.ctx, userID)
	if err != nil {
		return err
	}
	ids, orgs := make([]int64, len(apps)), make([]int64, len(apps))
	for i := range apps {
		ids[i], orgs[i] = apps[i].ID, apps[i].OrgID
	}
	events, err := c.s.store.ApplicationEvents(c.ctx, ids)
	if err != nil {
		return err
	}
	for _, e := range events {
		orgs = append(orgs, e.OrgID)
	}
	if err := c.loadOrgs(orgs...); err != nil {
		return err
	}
	byApp := map[int64][]Event{}
	for _, e := range events {
		byApp[e.ApplicationID] = append(byApp[e.ApplicationID], Event{At: c.at(e.At), Kind: e.Kind,
			OrgName: c.orgName(e.OrgID), Note: e.Note})
	}
	d.Applications = make([]Application, 0, len(apps))
	for i := range apps {
		a := &apps[i]
		f, err := c.form(a.Person, a.Employment, pii.ApplicationIDNumber.Row(a.ID), a.IDNumberEnc,
			pii.ApplicationPhone.Row(a.ID), a.PhoneEnc)
		if err != nil {
			return err
		}
		tl := byApp[a.ID]
		if tl == nil {
			tl = []Event{}
		}
		d.Applications = append(d.Applications, Application{ID: itoa(a.ID), OrgID: itoa(a.OrgID),
			OrgName: c.orgName(a.OrgID), Status: a.Status, CreatedAt: c.at(a.CreatedAt), SubmittedAt: c.atp(a.SubmittedAt),
			ReviewedAt: c.atp(a.ReviewedAt), ReviewReason: a.ReviewReason, DueOn: a.DueOn, Form: f,
			UploadIDs: uploadIDs(a.ProofUploadIDs, a.PhotoUploadID, a.IDCardFrontUploadID, a.IDCardBackUploadID),
			Timeline:  tl})
	}
	return nil
}

// members adds the member records linked to the user, their history,
// transfers, and the card's checks and redemptions.
func (c *collector) members(d *Data, userID int64) error {
	ms, err := c.s.store.Members(c.ctx, userID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(ms))
	for i := range ms {
		ids[i] = ms[i].ID
		if err := c.loadOrgs(ms[i].OrgID); err != nil {
			return err
		}
	}
	events, err := c.s.store.MembershipEvents(c.ctx, ids)
	if err != nil {
		return err
	}
	byMember := map[int64][]Event{}
	for _, e := range events {
		if err := c.loadOrgs(deref(e.FromOrgID), deref(e.ToOrgID)); err != nil {
			return err
		}
		byMember[e.MemberID] = append(byMember[e.MemberID], Event{At: c.at(e.CreatedAt), Kind: e.Type,
			FromOrgName: c.orgName(deref(e.FromOrgID)), ToOrgName: c.orgName(deref(e.ToOrgID)), Note: e.Reason})
	}
	d.Members = make([]Member, 0, len(ms))
	for i := range ms {
		m := &ms[i]
		idEnc := m.IDNumberEnc
		f, err := c.form(m.Person, m.Employment, pii.MemberIDNumber.Row(m.ID), &idEnc, pii.MemberPhone.Row(m.ID), m.PhoneEnc)
		if err != nil {
			return err
		}
		ev := byMember[m.ID]
		if ev == nil {
			ev = []Event{}
		}
		d.Members = append(d.Members, Member{ID: itoa(m.ID), MemberNo: m.MemberNo, OrgID: itoa(m.OrgID),
			OrgName: c.orgName(m.OrgID), Status: m.Status, JoinedOn: m.JoinedOn, CreatedAt: c.at(m.CreatedAt),
			Form: f, Events: ev})
	}
	if err := c.transfers(d, ids); err != nil {
		return err
	}
	return c.cardUses(d, ids)
}

func (c *collector) transfers(d *Data, memberIDs []int64) error {
	rows, err := c.s.store.Transfers(c.ctx, memberIDs)
	if err != nil {
		return err
	}
	d.Transfers = make([]Transfer, 0, len(rows))
	for _, t := range rows {
		if err := c.loadOrgs(t.FromOrgID, t.ToOrgID); err != nil {
			return err
		}
		d.Transfers = append(d.Transfers, Transfer{ID: itoa(t.ID), FromOrgName: c.orgName(t.FromOrgID),
			ToOrgName: c.orgName(t.ToOrgID), Status: t.Status, Reason: t.Reason, DecisionReason: t.DecisionReason,
			CreatedAt: c.at(t.CreatedAt), DecidedAt: c.atp(t.DecidedAt)})
	}
	return nil
}

// cardUses adds the card's checks and redemptions with the verifier's org
// and the benefit's title.
func (c *collector) cardUses(d *Data, memberIDs []int64) error {
	vs, err := c.s.store.Verifications(c.ctx, memberIDs)
	if err != nil {
		return err
	}
	rs, err := c.s.store.Redemptions(c.ctx, memberIDs)
	if err != nil {
		return err
	}
	var verifiers, benefits []int64
	for _, v := range vs {
		verifiers, benefits = append(verifiers, v.VerifierID), append(benefits, deref(v.BenefitID))
	}
	for _, r := range rs {
		verifiers, benefits = append(verifiers, r.VerifierID), append(benefits, r.BenefitID)
	}
	where, err := c.s.store.VerifierOrgs(c.ctx, verifiers)
	if err != nil {
		return err
	}
	titles, err := c.s.store.BenefitTitles(c.ctx, benefits)
	if err != nil {
		return err
	}
	for _, o := range where {
		if err := c.loadOrgs(o); err != nil {
			return err
		}
	}
	use := func(at model.Verification) CardUse {
		return CardUse{At: c.at(at.CreatedAt), VerifierOrgName: c.orgName(where[at.VerifierID]),
			BenefitTitle: titles[deref(at.BenefitID)], Result: at.Result}
	}
	d.Verifications = make([]CardUse, 0, len(vs))
	for _, v := range vs {
		d.Verifications = append(d.Verifications, use(v))
	}
	d.Redemptions = make([]CardUse, 0, len(rs))
	for _, r := range rs {
		b := r.BenefitID
		d.Redemptions = append(d.Redemptions, use(model.Verification{CreatedAt: r.CreatedAt, VerifierID: r.VerifierID,
			BenefitID: &b, Result: "redeemed"}))
	}
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
