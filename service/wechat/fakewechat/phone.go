package fakewechat

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

type phoneCode struct {
	phone string
	used  bool
}

// mainlandMobile is what development-mode phone codes must start with.
var mainlandMobile = regexp.MustCompile(`^1[0-9]{10}$`)

// IssuePhoneCode returns a new getPhoneNumber code that yields phone (a
// mainland number without country code, such as "13800138000"). It works
// once.
func (s *Server) IssuePhoneCode(phone string) string {
	code := "fake-phone-" + randomHex(12)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.phoneCodes[code] = &phoneCode{phone: phone}
	return code
}

// handlePhoneNumber is POST /wxa/business/getuserphonenumber.
func (s *Server) handlePhoneNumber(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		Code string `json:"code"`
	}
	if !decodeBody(w, body, &req) {
		return
	}
	phone, ok := s.redeemPhoneCode(req.Code)
	if !ok {
		writeError(w, 40029)
		return
	}
	writeJSON(w, map[string]any{
		"errcode": 0,
		"errmsg":  "ok",
		"phone_info": map[string]any{
			"phoneNumber":     phone,
			"purePhoneNumber": phone,
			"countryCode":     "86",
			"watermark": map[string]any{
				"timestamp": time.Now().Unix(),
				"appid":     s.opts.AppID,
			},
		},
	})
}

// redeemPhoneCode spends code and returns its phone number; WeChat answers
// 40029 alike for unknown, used and expired codes.
func (s *Server) redeemPhoneCode(code string) (string, bool) {
	if code == "" {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if pc, ok := s.phoneCodes[code]; ok {
		if pc.used {
			return "", false
		}
		pc.used = true
		return pc.phone, true
	}
	phone, _, _ := strings.Cut(code, "-")
	if !s.opts.AcceptAnyCode || !mainlandMobile.MatchString(phone) || s.usedPhone[code] {
		return "", false
	}
	s.usedPhone[code] = true
	return phone, true
}
