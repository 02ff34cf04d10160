package fakewechat

import (
	"net/http"
	"strings"
)

// Labels WeChat attaches to content-security results.
const (
	labelNormal = 100
	labelOther  = 21000
)

// handleMsgSecCheck is POST /wxa/msg_sec_check. Version 2 answers with
// result.suggest; version 1 (deprecated) answers 87014 for risky content.
func (s *Server) handleMsgSecCheck(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		Version int    `json:"version"`
		OpenID  string `json:"openid"`
		Scene   int    `json:"scene"`
		Content string `json:"content"`
	}
	if !decodeBody(w, body, &req) {
		return
	}
	suggest, label := s.judge(req.Content)
	if req.Version != 2 {
		if suggest == "risky" {
			writeError(w, 87014)
			return
		}
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
		return
	}
	switch {
	case req.OpenID == "":
		writeError(w, 40003)
		return
	case req.Scene < 1 || req.Scene > 4:
		writeError(w, 47001)
		return
	}
	writeJSON(w, map[string]any{
		"errcode":  0,
		"errmsg":   "ok",
		"trace_id": randomHex(4) + "-" + randomHex(4) + "-" + randomHex(4),
		"result":   map[string]any{"suggest": suggest, "label": label},
		"detail": []map[string]any{
			{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90},
		},
	})
}

// judge returns the suggestion for content: risky words win over review
// words.
func (s *Server) judge(content string) (suggest string, label int) {
	for _, w := range s.opts.RiskyWords {
		if w != "" && strings.Contains(content, w) {
			return "risky", labelOther
		}
	}
	for _, w := range s.opts.ReviewWords {
		if w != "" && strings.Contains(content, w) {
			return "review", labelOther
		}
	}
	return "pass", labelNormal
}
