package wxpush

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"strconv"
)

// Events UnionHub acts on.
const (
	EventAuthorizationRevoke       = "user_authorization_revoke"
	EventAuthorizationCancellation = "user_authorization_cancellation"
	EventSubscribePopup            = "subscribe_msg_popup_event"
	EventSubscribeChange           = "subscribe_msg_change_event"
	EventSubscribeSent             = "subscribe_msg_sent_event"
)

// Message is a push message as UnionHub reads it, from XML or JSON.
type Message struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Event        string `xml:"Event" json:"Event"`
	MsgID        string `xml:"MsgId" json:"-"`
	// OpenID, AppID and RevokeInfo are the authorisation events': the
	// user, the mini-program, the revoked scopes.
	OpenID     string `xml:"OpenID" json:"OpenID"`
	AppID      string `xml:"AppID" json:"AppID"`
	RevokeInfo string `xml:"RevokeInfo" json:"RevokeInfo"`
	// List is the subscribe events' per-template items.
	List []Item `xml:"-" json:"-"`

	Popup  itemList `xml:"SubscribeMsgPopupEvent" json:"-"`
	Change itemList `xml:"SubscribeMsgChangeEvent" json:"-"`
	Sent   itemList `xml:"SubscribeMsgSentEvent" json:"-"`
}

// Item is one template of a subscribe event.
type Item struct {
	TemplateID string `xml:"TemplateId" json:"TemplateId"`
	// Status is accept or reject (popup and change events).
	Status string `xml:"SubscribeStatusString" json:"SubscribeStatusString"`
	// ErrorCode is the send's result (sent events): "0", or e.g. "43101".
	ErrorCode string `xml:"ErrorCode" json:"ErrorCode"`
}

type itemList struct {
	List []Item `xml:"List"`
}

// jsonShape is the JSON form: List is an object or an array, MsgId a
// number or a string.
type jsonShape struct {
	List  json.RawMessage `json:"List"`
	MsgID json.RawMessage `json:"MsgId"`
}

// envelope is a safe-mode body.
type envelope struct {
	ToUserName string `xml:"ToUserName" json:"ToUserName"`
	Encrypt    string `xml:"Encrypt" json:"Encrypt"`
}

// isXML tells the two body formats apart by their first byte.
func isXML(body []byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) > 0 && b[0] == '<'
}

// unmarshal reads body, XML or JSON, into v.
func unmarshal(body []byte, v any) error {
	if isXML(body) {
		return xml.Unmarshal(body, v)
	}
	return json.Unmarshal(body, v)
}

// parse reads a plaintext message.
func parse(body []byte) (*Message, error) {
	var m Message
	if err := unmarshal(body, &m); err != nil {
		return nil, err
	}
	if isXML(body) {
		m.List = append(append(append(m.List, m.Popup.List...), m.Change.List...), m.Sent.List...)
		return &m, nil
	}
	var js jsonShape
	if err := json.Unmarshal(body, &js); err != nil {
		return nil, err
	}
	if len(js.MsgID) > 0 {
		var s string
		if json.Unmarshal(js.MsgID, &s) != nil {
			s = string(js.MsgID)
		}
		m.MsgID = s
	}
	if l := bytes.TrimSpace(js.List); len(l) > 0 {
		if l[0] == '[' {
			if err := json.Unmarshal(l, &m.List); err != nil {
				return nil, err
			}
		} else {
			var one Item
			if err := json.Unmarshal(l, &one); err != nil {
				return nil, err
			}
			m.List = []Item{one}
		}
	}
	return &m, nil
}

// key names the event for the replay check: its MsgId when it has one,
// else the fields WeChat advises for events (sender, time, event) and the
// whole plaintext, so that a retry or a replay maps to the same key and
// two different events never do.
func (m *Message) key(plain []byte) string {
	h := sha256.New()
	if m.MsgID != "" {
		h.Write([]byte("msgid\x00" + m.MsgID))
	} else {
		body := sha256.Sum256(plain)
		h.Write([]byte("event\x00" + m.ToUserName + "\x00" + m.FromUserName + "\x00" +
			strconv.FormatInt(m.CreateTime, 10) + "\x00" + m.Event + "\x00" + hex.EncodeToString(body[:])))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// user is the openid the event is about: the authorisation events name it
// in OpenID (their FromUserName is the platform's); subscribe events send
// it as FromUserName.
func (m *Message) user() string {
	if m.OpenID != "" {
		return m.OpenID
	}
	return m.FromUserName
}
