package fakewechat

import (
	"fmt"
	"net/http"
)

// handleSubscribeSend is POST /cgi-bin/message/subscribe/send. Whether the
// user accepted the template is not modelled: inject 43101 to test refusal.
func (s *Server) handleSubscribeSend(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		ToUser     string `json:"touser"`
		TemplateID string `json:"template_id"`
		Page       string `json:"page"`
		Data       map[string]struct {
			Value any `json:"value"`
		} `json:"data"`
		MiniprogramState string `json:"miniprogram_state"`
		Lang             string `json:"lang"`
	}
	if !decodeBody(w, body, &req) {
		return
	}
	switch {
	case req.ToUser == "":
		writeError(w, 40003)
		return
	case req.TemplateID == "":
		writeError(w, 40037)
		return
	}
	msg := SentMessage{
		ToUser:           req.ToUser,
		TemplateID:       req.TemplateID,
		Page:             req.Page,
		Data:             make(map[string]string, len(req.Data)),
		MiniprogramState: req.MiniprogramState,
		Lang:             req.Lang,
	}
	for k, v := range req.Data {
		msg.Data[k] = fmt.Sprint(v.Value)
	}
	s.mu.Lock()
	s.messages = appendBounded(s.messages, msg)
	s.msgID++
	id := s.msgID
	s.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": id})
}
