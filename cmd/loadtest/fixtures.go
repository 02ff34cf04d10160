package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
)

// fixtures are the callers and tokens the scenarios use.
type fixtures struct {
	RootID, UnionID int64
	Admin           string      // federation_admin at the root: overview
	Chair           string      // union_chair of the union with the longest queue
	Verifier        string      // verifier at the root: verify and redeem
	BenefitID       string      // an open benefit at the root, no limit
	Sessions        []string    // access tokens of members on the roll: GET /me/card
	Tokens          []string    // distinct card tokens
	Codes           *loginCodes // the run's login codes, shared by the fixtures and the login scenario
}

// setupOptions size the fixtures.
type setupOptions struct {
	Members  int // members given a WeChat user
	Sessions int // of them, how many log in
	Tokens   int // card tokens minted
}

// setup prepares the fixtures on a seeded database (`unionhub seed-bench`):
// admins log in through the fake WeChat and get their roles, members are
// given users, card tokens are minted with the card service's own
// issuing (GET /me/card's), members log in.
func setup(ctx context.Context, n *target, o setupOptions) (*fixtures, error) {
	f := &fixtures{Codes: newLoginCodes()}
	if err := checkSeeded(ctx, n.DB); err != nil {
		return nil, err
	}
	root, err := model.NewOrgStore(n.DB).Root(ctx)
	if err != nil {
		return nil, err
	}
	f.RootID = root.ID
	if f.UnionID, err = longestQueue(ctx, n.DB); err != nil {
		return nil, err
	}
	if f.UnionID == 0 {
		var u model.Org
		if err := n.DB.WithContext(ctx).Where("type = ?", model.OrgGrassroots).Order("id").Take(&u).Error; err != nil {
			return nil, err
		}
		f.UnionID = u.ID
	}
	grant := func(name string, orgID int64, role string) (string, error) {
		tok, userID, err := login(ctx, n.URL, f.Codes.next(name))
		if err != nil {
			return "", err
		}
		if err := bind(ctx, n, userID, orgID, role); err != nil {
			return "", err
		}
		return tok, nil
	}
	if f.Admin, err = grant("ltadmin", f.RootID, "federation_admin"); err != nil {
		return nil, err
	}
	if f.Chair, err = grant("ltchair", f.UnionID, "union_chair"); err != nil {
		return nil, err
	}
	if f.Verifier, err = grant("ltverifier", f.RootID, "verifier"); err != nil {
		return nil, err
	}
	if f.BenefitID, err = benefit(ctx, n.URL, f.Admin, f.RootID); err != nil {
		return nil, err
	}
	users, names, err := memberUsers(ctx, n, o.Members)
	if err != nil {
		return nil, err
	}
	if f.Tokens, err = mintTokens(ctx, n, users, o.Tokens); err != nil {
		return nil, err
	}
	for i := 0; i < len(names) && len(f.Sessions) < o.Sessions; i++ {
		tok, _, err := login(ctx, n.URL, f.Codes.next(names[i]))
		if err != nil {
			return nil, err
		}
		f.Sessions = append(f.Sessions, tok)
	}
	return f, nil
}

// longestQueue returns the grassroots union with the most submitted
// applications (0 when none has any): the queue scenarios' union.
func longestQueue(ctx context.Context, db *gorm.DB) (int64, error) {
	var queue struct {
		OrgID int64
		N     int64
	}
	err := db.WithContext(ctx).Model(&model.Application{}).Select("org_id, COUNT(*) AS n").
		Where("status = ? AND org_id IN (SELECT id FROM orgs WHERE type = ?)", model.AppSubmitted, model.OrgGrassroots).
		Group("org_id").Order("n DESC").Limit(1).Scan(&queue).Error
	return queue.OrgID, err
}

// bind gives userID role at orgID unless it has it already. The binding is
// written directly, as accepting an invitation would write it.
func bind(ctx context.Context, n *target, userID, orgID int64, role string) error {
	var have int64
	err := n.DB.WithContext(ctx).Model(&model.RoleBinding{}).
		Where("user_id = ? AND org_id = ? AND role = ? AND revoked_at IS NULL", userID, orgID, role).Count(&have).Error
	if err != nil || have > 0 {
		return err
	}
	b := model.RoleBinding{ID: model.NewID(), UserID: userID, OrgID: orgID, Role: role, GrantedBy: userID,
		CreatedAt: time.Now()}
	if err := model.NewRoleStore(n.DB).Create(ctx, &b); err != nil {
		return err
	}
	return forgetRoles(ctx, n, userID)
}

// memberUsers gives up to count active members a WeChat user whose openid
// the fake derives from a login name, and returns the users and names.
// Members that have a user of another openid keep it and are left out.
func memberUsers(ctx context.Context, n *target, count int) ([]int64, []string, error) {
	var ms []model.Member
	err := n.DB.WithContext(ctx).Select("id", "user_id").Where("status = ?", model.MemberActive).
		Order("id").Limit(count).Find(&ms).Error
	if err != nil {
		return nil, nil, err
	}
	var users []int64
	var names []string
	now := time.Now()
	for _, m := range ms {
		name := "ltm" + strconv.FormatInt(m.ID, 10)
		openid := n.Fake.OpenIDFor(name)
		if m.UserID != nil {
			var u model.User
			if err := n.DB.WithContext(ctx).Take(&u, *m.UserID).Error; err != nil {
				return nil, nil, err
			}
			if u.OpenID == openid {
				users, names = append(users, u.ID), append(names, name)
			}
			continue
		}
		u := model.User{ID: model.NewID(), OpenID: openid, CreatedAt: now, UpdatedAt: now}
		err := model.InTx(ctx, n.DB, func(ctx context.Context) error {
			db := model.Conn(ctx, n.DB)
			if err := db.Create(&u).Error; err != nil {
				return err
			}
			return db.Model(&model.Member{}).Where("id = ?", m.ID).Update("user_id", u.ID).Error
		})
		if err != nil {
			return nil, nil, err
		}
		users, names = append(users, u.ID), append(names, name)
	}
	if len(users) == 0 {
		return nil, nil, errors.New("no active member could be given a user")
	}
	return users, names, nil
}

// mintTokens mints count distinct card tokens round the users with the
// card service's own issuing (MyCard, what GET /me/card returns).
func mintTokens(ctx context.Context, n *target, users []int64, count int) ([]string, error) {
	out := make([]string, count)
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= count {
					return
				}
				c, err := n.Cards.MyCard(ctx, users[i%len(users)])
				if err == nil && c.QR == nil {
					err = fmt.Errorf("user %d: no card token", users[i%len(users)])
				}
				if err != nil {
					errc <- err
					return
				}
				out[i] = c.QR.Token
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
		return out, nil
	}
}

// login logs in through the API with a fake WeChat code for name and
// returns the access token and the user id.
func login(ctx context.Context, base, code string) (string, int64, error) {
	var out struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := call(ctx, base, "POST", "/api/v1/auth/wechat/login", "", map[string]string{"code": code}, &out); err != nil {
		return "", 0, err
	}
	id, err := strconv.ParseInt(out.User.ID, 10, 64)
	return out.AccessToken, id, err
}

// benefit creates an open benefit with no limit at org.
func benefit(ctx context.Context, base, admin string, orgID int64) (string, error) {
	now := time.Now()
	var out struct {
		ID string `json:"id"`
	}
	err := call(ctx, base, "POST", "/api/v1/admin/benefits", admin, map[string]any{
		"org_id": strconv.FormatInt(orgID, 10), "title": "压测福利", "description": "负载测试用",
		"starts_on": now.AddDate(0, 0, -1).Format("2006-01-02"), "ends_on": now.AddDate(0, 1, 0).Format("2006-01-02")}, &out)
	return out.ID, err
}

// call sends one JSON request and decodes a 2xx reply's data into out.
func call(ctx context.Context, base, method, path, token string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, buf.String())
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(buf.Bytes(), &env); err != nil {
		return err
	}
	return json.Unmarshal(env.Data, out)
}

// forgetRoles drops what the cache holds of userID's role bindings after
// one was written directly.
func forgetRoles(ctx context.Context, n *target, userID int64) error {
	return n.Orgs.ForgetRoles(ctx, userID)
}
