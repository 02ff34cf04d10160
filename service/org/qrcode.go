package org

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/wechat"
)

// qrTTL keeps a union's join code for a month: the call to WeChat is paid
// and the code never changes for the same union.
const qrTTL = 30 * 24 * time.Hour

// JoinScene is the scene of a union's join code: "o=" and the org id in
// base 36 (at most 15 characters; WeChat allows 32). The mini-program's
// join page reads it from its launch options and loads GET /orgs/{id}.
func JoinScene(orgID int64) string { return "o=" + strconv.FormatInt(orgID, 36) }

// ParseJoinScene returns the org id a scene names: "o=" and base-36
// digits, nothing else (no sign, at most WeChat's 32 characters).
func ParseJoinScene(scene string) (int64, bool) {
	rest, ok := strings.CutPrefix(scene, "o=")
	if !ok || len(scene) > 32 || rest == "" || strings.Trim(strings.ToLower(rest), "0123456789abcdefghijklmnopqrstuvwxyz") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 36, 64)
	return id, err == nil && id > 0
}

// JoinPage is the mini-program page a join code opens (with ?scene=).
func (s *Service) JoinPage() string { return s.cfg.JoinPage }

// ByScene returns the union a join code's scene points at, while it takes
// applications; any other scene, and a union dissolved or no longer
// taking applications, is not found (an old poster's code says so).
func (s *Service) ByScene(ctx context.Context, scene string) (*model.Org, error) {
	id, ok := ParseJoinScene(scene)
	if !ok {
		return nil, errSceneNotFound
	}
	o, err := s.orgs.Get(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errSceneNotFound
	}
	if err != nil {
		return nil, err
	}
	if o.Status != model.OrgActive || !o.AcceptsApplications {
		return nil, errSceneNotFound
	}
	return o, nil
}

// errSceneNotFound answers a join code that leads nowhere.
var errSceneNotFound = service.E(service.KindNotFound, "入会码无效，或该工会已不再接收入会申请")

// JoinQRCode returns the image of a union's join code, from the cache when
// WeChat already made it.
func (s *Service) JoinQRCode(ctx context.Context, sc access.Scope, id int64) ([]byte, string, error) {
	o, err := s.inScope(ctx, sc, access.OrgRead, id)
	if err != nil {
		return nil, "", err
	}
	if o.Type != model.OrgGrassroots {
		return nil, "", service.E(service.KindConflict, "只有基层工会有入会码")
	}
	if o.Status != model.OrgActive {
		return nil, "", errDissolved
	}
	key := "qr:join:" + itoa(o.ID)
	if cached, err := s.cache.Get(ctx, key); err == nil {
		if ct, b64, ok := strings.Cut(cached, ";"); ok {
			if img, err := base64.StdEncoding.DecodeString(b64); err == nil {
				return img, ct, nil
			}
		}
	}
	img, ct, err := s.qr.WXACodeUnlimit(ctx, JoinScene(o.ID), s.cfg.JoinPage, 430)
	if err != nil {
		if errors.Is(err, wechat.ErrRateLimited) {
			return nil, "", service.RateLimited("微信接口调用太频繁，请稍后再试", time.Minute)
		}
		return nil, "", service.Wrap(service.KindUpstream, "微信服务暂时不可用，请稍后再试", err)
	}
	_ = s.cache.Set(ctx, key, ct+";"+base64.StdEncoding.EncodeToString(img), qrTTL)
	return img, ct, nil
}
