package mydata

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/pii"
)

// Collect returns everything held about userID (the tables are listed in
// Tables). clear puts the user's own ID numbers and phones in clear beside
// the masks: for the user's export only.
func (s *Service) Collect(ctx context.Context, userID int64, clear bool) (*Data, error) {
	c := &collector{s: s, ctx: ctx, clear: clear, orgs: map[int64]string{}}
	d := &Data{GeneratedAt: c.at(s.now())}
	steps := []func(*Data, int64) error{c.account, c.consents, c.applications, c.members, c.rights, c.ledger, c.notifications,
		c.uploads, c.sessions, c.roles}
	for _, step := range steps {
		if err := step(d, userID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// collector holds one collection's state: the org names it looked up.
type collector struct {
	s     *Service
	ctx   context.Context
	clear bool
	orgs  map[int64]string
}

func (c *collector) at(t time.Time) time.Time { return t.In(c.s.loc).Truncate(time.Second) }

func (c *collector) atp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := c.at(*t)
	return &v
}

// orgName returns the name of org id, reading the names of ids first.
func (c *collector) orgName(id int64) string { return c.orgs[id] }

func (c *collector) loadOrgs(ids ...int64) error {
	var missing []int64
	for _, id := range ids {
		if _, ok := c.orgs[id]; !ok && id != 0 {
			missing = append(missing, id)
			c.orgs[id] = ""
		}
	}
	names, err := c.s.store.OrgNames(c.ctx, missing)
	for id, n := range names {
		c.orgs[id] = n
	}
	return err
}

func (c *collector) account(d *Data, userID int64) error {
	u, err := c.s.store.User(c.ctx, userID)
	if err != nil {
		return err
	}
	d.Account = Account{ID: itoa(u.ID), CreatedAt: c.at(u.CreatedAt), PhoneBoundAt: c.atp(u.PhoneBoundAt)}
	if u.PhoneEnc != nil {
		phone, err := c.s.pii.Decrypt(pii.UserPhone.Row(u.ID), *u.PhoneEnc)
		if err != nil {
			return fmt.Errorf("user %d phone: %w", u.ID, err)
		}
		m := pii.MaskPhone(phone)
		d.Account.PhoneMasked = &m
		if c.clear {
			d.Account.Phone = phone
		}
	}
	return nil
}

func (c *collector) consents(d *Data, userID int64) error {
	rows, err := c.s.store.Consents(c.ctx, userID)
	d.Consents = make([]Consent, 0, len(rows))
	for _, r := range rows {
		d.Consents = append(d.Consents, Consent{ID: itoa(r.ID), Version: r.Version, PersonalInfo: r.PersonalInfo,
			SensitiveInfo: r.SensitiveInfo, ShareUpward: r.ShareUpward, GivenAt: c.at(r.GivenAt), WithdrawnAt: c.atp(r.WithdrawnAt)})
	}
	return err
}

// form converts the real-name fields, opening the ID number and phone
// sealed in the given slots.
func (c *collector) form(p model.Person, e model.Employment, idSlot pii.Slot, idEnc *string,
	phoneSlot pii.Slot, phoneEnc *string) (Form, error) {
	f := Form{Name: p.Name, IDType: p.IDType, Gender: p.Gender, BirthDate: p.BirthDate, Ethnicity: p.Ethnicity,
		Education: p.Education, PoliticalStatus: p.PoliticalStatus, HouseholdType: p.HouseholdType,
		Employment: Employment{EmployerName: e.EmployerName, JobTitle: e.JobTitle, HiredOn: e.HiredOn,
			WorkType: e.WorkType, IsMigrantWorker: e.IsMigrantWorker, IsDispatched: e.IsDispatched,
			DispatchAgencyName: e.DispatchAgencyName, DispatchAgencyUSCC: e.DispatchAgencyUSCC}}
	if idEnc != nil && *idEnc != "" {
		v, err := c.s.pii.Decrypt(idSlot, *idEnc)
		if err != nil {
			return f, fmt.Errorf("%s: %w", idSlot, err)
		}
		f.IDNumberMasked = pii.MaskIDNumber(v)
		if c.clear {
			f.IDNumber = v
		}
	}
	if phoneEnc != nil && *phoneEnc != "" {
		v, err := c.s.pii.Decrypt(phoneSlot, *phoneEnc)
		if err != nil {
			return f, fmt.Errorf("%s: %w", phoneSlot, err)
		}
		f.PhoneMasked = pii.MaskPhone(v)
		if c.clear {
			f.Phone = v
		}
	}
	return f, nil
}

func (c *collector) rights(d *Data, userID int64) error {
	rows, err := c.s.store.RightsRequests(c.ctx, userID)
	d.Rights = make([]Rights, 0, len(rows))
	for _, r := range rows {
		var fields []string
		if r.FieldNames != nil && *r.FieldNames != "" {
			fields = strings.Split(*r.FieldNames, ",")
		}
		var event *string
		if r.EventID != nil {
			e := itoa(*r.EventID)
			event = &e
		}
		d.Rights = append(d.Rights, Rights{ID: itoa(r.ID), Kind: r.Kind, Status: r.Status, Fields: fields,
			EventID: event, Reason: r.Reason, DueOn: r.DueOn, DecisionReason: r.DecisionReason,
			CreatedAt: c.at(r.CreatedAt), DecidedAt: c.atp(r.DecidedAt)})
	}
	return err
}

// ledger collects the subscription balances and deactivation requests.
func (c *collector) ledger(d *Data, userID int64) error {
	subs, err := c.s.store.Subscriptions(c.ctx, userID)
	if err != nil {
		return err
	}
	d.Subscriptions = make([]Subscription, 0, len(subs))
	for _, s := range subs {
		d.Subscriptions = append(d.Subscriptions, Subscription{TemplateID: s.TemplateID, Balance: s.Balance, UpdatedAt: c.at(s.UpdatedAt)})
	}
	reqs, err := c.s.store.Deactivations(c.ctx, userID)
	d.Deactivations = make([]Deactivation, 0, len(reqs))
	for _, r := range reqs {
		d.Deactivations = append(d.Deactivations, Deactivation{ID: itoa(r.ID), Source: r.Source, Status: r.Status,
			RequestedAt: c.at(r.RequestedAt), EffectiveAt: c.at(r.EffectiveAt)})
	}
	return err
}

func (c *collector) notifications(d *Data, userID int64) error {
	rows, err := c.s.store.Notifications(c.ctx, userID)
	d.Notifications = make([]Notification, 0, len(rows))
	for _, r := range rows {
		data := json.RawMessage(r.Data)
		if !json.Valid(data) {
			data = json.RawMessage("{}")
		}
		d.Notifications = append(d.Notifications, Notification{ID: itoa(r.ID), Kind: r.Kind, Title: r.Title,
			Body: r.Body, Data: data, ReadAt: c.atp(r.ReadAt), CreatedAt: c.at(r.CreatedAt)})
	}
	return err
}

func (c *collector) uploads(d *Data, userID int64) error {
	rows, err := c.s.store.Uploads(c.ctx, userID)
	d.Uploads = make([]Upload, 0, len(rows))
	for _, r := range rows {
		d.Uploads = append(d.Uploads, Upload{ID: itoa(r.ID), Kind: r.Kind, ContentType: r.ContentType,
			Size: r.Size, CreatedAt: c.at(r.CreatedAt)})
	}
	return err
}

func (c *collector) sessions(d *Data, userID int64) error {
	rows, err := c.s.store.Sessions(c.ctx, userID)
	d.Sessions = make([]Session, 0, len(rows))
	for _, r := range rows {
		d.Sessions = append(d.Sessions, Session{CreatedAt: c.at(r.CreatedAt), LastUsedAt: c.at(r.RotatedAt),
			ExpiresAt: c.at(r.ExpiresAt), RevokedAt: c.atp(r.RevokedAt)})
	}
	return err
}

func (c *collector) roles(d *Data, userID int64) error {
	rows, err := c.s.store.Roles(c.ctx, userID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.OrgID
	}
	if err := c.loadOrgs(ids...); err != nil {
		return err
	}
	d.Roles = make([]Role, 0, len(rows))
	for _, r := range rows {
		d.Roles = append(d.Roles, Role{ID: itoa(r.ID), OrgID: itoa(r.OrgID), OrgName: c.orgName(r.OrgID), Role: r.Role,
			CreatedAt: c.at(r.CreatedAt), RevokedAt: c.atp(r.RevokedAt)})
	}
	return nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// uploadIDs lists the ids in a ",id1,id2," column.
func uploadIDs(list *string, single ...*int64) []string {
	out := []string{}
	for _, p := range single {
		if p != nil {
			out = append(out, itoa(*p))
		}
	}
	if list != nil {
		for _, v := range strings.Split(*list, ",") {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}
