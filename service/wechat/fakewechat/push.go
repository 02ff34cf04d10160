package fakewechat

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PushEvent is an event the fake pushes to a mini-program's server, as
// WeChat's message push does (消息推送).
type PushEvent struct {
	// Event is e.g. user_authorization_cancellation,
	// user_authorization_revoke, subscribe_msg_popup_event,
	// subscribe_msg_change_event or subscribe_msg_sent_event.
	Event  string
	OpenID string
	// RevokeInfo lists the revoked scopes of user_authorization_revoke.
	RevokeInfo string
	// Templates are the subscribe events' items.
	Templates []PushTemplate
	// CreateTime defaults to the push's time.
	CreateTime time.Time
}

// PushTemplate is one template of a subscribe event: Status (accept,
// reject) for popup and change events, ErrorCode ("0", "43101") for sent
// events.
type PushTemplate struct {
	TemplateID, Status, ErrorCode string
}

// PushTarget is where and how events are pushed.
type PushTarget struct {
	URL   string // the push URL, e.g. http://127.0.0.1:8080/api/v1/wechat/push
	Token string
	// AESKey is the 43-character EncodingAESKey: set, bodies are sent in
	// safe mode (encrypt_type=aes, msg_signature), encrypted for AppID.
	AESKey string
	AppID  string // default DefaultAppID
	XML    bool   // XML bodies instead of JSON
	Now    time.Time
	// Nonce defaults to a random one.
	Nonce string
}

// PushRequest builds the signed (and, with an AES key, encrypted) POST
// WeChat would send for ev.
func PushRequest(ctx context.Context, t PushTarget, ev PushEvent) (*http.Request, error) {
	if t.AppID == "" {
		t.AppID = DefaultAppID
	}
	if t.Now.IsZero() {
		t.Now = time.Now()
	}
	if t.Nonce == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		t.Nonce = hex.EncodeToString(b[:])
	}
	if ev.CreateTime.IsZero() {
		ev.CreateTime = t.Now
	}
	body := pushBody(t.XML, t.AppID, ev)
	ts := strconv.FormatInt(t.Now.Unix(), 10)
	q := url.Values{"signature": {pushSignature(t.Token, ts, t.Nonce)}, "timestamp": {ts}, "nonce": {t.Nonce}}
	if t.AESKey != "" {
		enc, err := pushEncrypt(t.AESKey, t.AppID, body)
		if err != nil {
			return nil, err
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", pushSignature(t.Token, ts, t.Nonce, enc))
		if t.XML {
			body = []byte("<xml><ToUserName><![CDATA[gh_fake]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
		} else {
			body, _ = json.Marshal(map[string]string{"ToUserName": "gh_fake", "Encrypt": enc})
		}
	}
	if t.XML {
		q.Set("openid", ev.OpenID) // WeChat adds it to XML pushes' URL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if t.XML {
		req.Header.Set("Content-Type", "text/xml")
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// Push sends ev to t.URL and returns the reply's status and body.
func Push(ctx context.Context, client *http.Client, t PushTarget, ev PushEvent) (int, string, error) {
	req, err := PushRequest(ctx, t, ev)
	if err != nil {
		return 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, string(b), err
}

// pushSignature is the hex SHA-1 of parts sorted and joined.
func pushSignature(parts ...string) string {
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// pushEncrypt seals msg as WeChat's safe mode does: AES-256-CBC, key the
// decoded EncodingAESKey, IV its first 16 bytes, PKCS#7 to 32 bytes, over
// 16 random bytes | big-endian length | msg | appid.
func pushEncrypt(encodingAESKey, appID string, msg []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return "", errors.New("fakewechat: the EncodingAESKey must be 43 base64 characters of 32 bytes")
	}
	plain := make([]byte, 20, 20+len(msg)+len(appID)+32)
	_, _ = rand.Read(plain[:16])
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(msg)))
	plain = append(append(plain, msg...), appID...)
	pad := 32 - len(plain)%32
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(plain, plain)
	return base64.StdEncoding.EncodeToString(plain), nil
}

// pushBody is the plaintext message in WeChat's shapes.
func pushBody(asXML bool, appID string, ev PushEvent) []byte {
	auth := ev.Event == "user_authorization_revoke" || ev.Event == "user_authorization_cancellation"
	from := ev.OpenID
	if auth {
		from = "o_wechat_platform" // the platform's account; the user is in OpenID
	}
	if !asXML {
		m := map[string]any{"ToUserName": "gh_fake", "FromUserName": from, "CreateTime": ev.CreateTime.Unix(),
			"MsgType": "event", "Event": ev.Event}
		if auth {
			m["OpenID"], m["AppID"] = ev.OpenID, appID
			if ev.RevokeInfo != "" {
				m["RevokeInfo"] = ev.RevokeInfo
			}
		}
		if len(ev.Templates) > 0 {
			list := make([]map[string]string, len(ev.Templates))
			for i, t := range ev.Templates {
				list[i] = templateFields(ev.Event, t)
			}
			m["List"] = list
		}
		b, _ := json.Marshal(m)
		return b
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<xml><ToUserName><![CDATA[gh_fake]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event>", from, ev.CreateTime.Unix(), ev.Event)
	if auth {
		fmt.Fprintf(&b, "<OpenID><![CDATA[%s]]></OpenID><AppID><![CDATA[%s]]></AppID>", ev.OpenID, appID)
		if ev.RevokeInfo != "" {
			fmt.Fprintf(&b, "<RevokeInfo><![CDATA[%s]]></RevokeInfo>", ev.RevokeInfo)
		}
	}
	if len(ev.Templates) > 0 {
		wrap := map[string]string{"subscribe_msg_popup_event": "SubscribeMsgPopupEvent",
			"subscribe_msg_change_event": "SubscribeMsgChangeEvent", "subscribe_msg_sent_event": "SubscribeMsgSentEvent"}[ev.Event]
		b.WriteString("<" + wrap + ">")
		for _, t := range ev.Templates {
			b.WriteString("<List>")
			f := templateFields(ev.Event, t)
			for _, k := range []string{"TemplateId", "SubscribeStatusString", "PopupScene", "MsgID", "ErrorCode", "ErrorStatus"} {
				if v, ok := f[k]; ok {
					fmt.Fprintf(&b, "<%s><![CDATA[%s]]></%s>", k, v, k)
				}
			}
			b.WriteString("</List>")
		}
		b.WriteString("</" + wrap + ">")
	}
	b.WriteString("</xml>")
	return []byte(b.String())
}

func templateFields(event string, t PushTemplate) map[string]string {
	if event == "subscribe_msg_sent_event" {
		status := "success"
		if t.ErrorCode != "" && t.ErrorCode != "0" {
			status = "fail"
		}
		code := t.ErrorCode
		if code == "" {
			code = "0"
		}
		return map[string]string{"TemplateId": t.TemplateID, "MsgID": "1700000000000", "ErrorCode": code, "ErrorStatus": status}
	}
	f := map[string]string{"TemplateId": t.TemplateID, "SubscribeStatusString": t.Status}
	if event == "subscribe_msg_popup_event" {
		f["PopupScene"] = "0"
	}
	return f
}
