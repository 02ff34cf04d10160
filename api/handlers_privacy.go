package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/privacy"
)

// privacyNoticeResponse is the privacy notice (个人信息处理告知书).
type privacyNoticeResponse struct {
	Version     string              `json:"version" example:"2026-11"`
	PublishedAt time.Time           `json:"published_at"`
	Text        string              `json:"text"`
	Items       []privacyNoticeItem `json:"items"`
}

// privacyNoticeItem is what one consent item covers.
type privacyNoticeItem struct {
	Key       string   `json:"key" enums:"personal_info,sensitive_info,share_upward"`
	Title     string   `json:"title" example:"敏感个人信息（单独同意）"`
	Purpose   string   `json:"purpose"`
	Data      []string `json:"data"`
	Retention string   `json:"retention"`
}

// privacyNotice godoc
//
//	@Summary		The privacy notice
//	@Description	The notice the mini-program shows before asking for consent: its version, publication time, full text, and the three items (personal_info, sensitive_info, share_upward) with their purpose, data and retention. From UNIONHUB_PRIVACY_NOTICE_FILE (JSON or YAML, checked at start), else built in. POST /me/consents must name this version; when it changes, GET /me says consent_current false and uploads and submissions need a new consent.
//	@Tags			consents
//	@Produce		json
//	@Success		200	{object}	Envelope[privacyNoticeResponse]
//	@Router			/privacy/notice [get]
func (s *Server) privacyNotice(c *gin.Context) {
	n := s.notice
	out := privacyNoticeResponse{Version: n.Version, Text: n.Text,
		PublishedAt: s.at(n.PublishedAt),
		Items:       items(n.Items, toPrivacyNoticeItem)}
	c.Header("Cache-Control", "public, max-age=300")
	ok(c, http.StatusOK, out)
}

func toPrivacyNoticeItem(it privacy.Item) privacyNoticeItem {
	return privacyNoticeItem{Key: it.Key, Title: it.Title, Purpose: it.Purpose, Data: it.Data, Retention: it.Retention}
}
