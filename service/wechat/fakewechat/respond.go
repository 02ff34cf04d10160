package fakewechat

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// errmsgs holds WeChat's messages for the error codes the fake produces.
var errmsgs = map[int]string{
	-1:    "system error",
	40001: "invalid credential, access_token is invalid or not latest",
	40002: "invalid grant_type",
	40003: "invalid openid",
	40013: "invalid appid",
	40029: "invalid code",
	40037: "invalid template_id",
	40125: "invalid appsecret",
	40163: "code been used",
	40169: "invalid length for scene, or the data is not json string",
	40226: "code blocked",
	41001: "access_token missing",
	41008: "missing code",
	42001: "access_token expired",
	43001: "require GET method",
	43002: "require POST method",
	43101: "user refuse to accept the msg",
	45009: "reach max api daily quota limit",
	45011: "api minute-quota reach limit  mustslower  retry next minute",
	47001: "data format error",
	87014: "risky content",
}

// Errmsg returns the message WeChat sends with errcode, as the fake sends it
// (without the trailing request id).
func Errmsg(errcode int) string {
	if m, ok := errmsgs[errcode]; ok {
		return m
	}
	return "fake error"
}

// jsonContentType is what WeChat sends with JSON answers.
const jsonContentType = "application/json; encoding=utf-8"

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", jsonContentType)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers {"errcode","errmsg"} with HTTP 200, as WeChat does.
func writeError(w http.ResponseWriter, errcode int) {
	writeErrorMsg(w, errcode, Errmsg(errcode))
}

func writeErrorMsg(w http.ResponseWriter, errcode int, msg string) {
	writeJSON(w, map[string]any{
		"errcode": errcode,
		"errmsg":  fmt.Sprintf("%s, rid: %s-%s-%s", msg, randomHex(4), randomHex(4), randomHex(4)),
	})
}

// decodeBody decodes a JSON request body, answering 47001 when it is not.
func decodeBody(w http.ResponseWriter, body []byte, v any) bool {
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, 47001)
		return false
	}
	return true
}
