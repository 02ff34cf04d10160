package config

import (
	"encoding/base64"
	"regexp"
)

// pushToken is what the WeChat admin console accepts as a push token.
var pushToken = regexp.MustCompile(`^[A-Za-z0-9]{3,32}$`)

// validatePush checks the message push settings: a token of the console's
// shape, an EncodingAESKey of 43 characters that decodes to 32 bytes, no
// key without a token, and in production a key whenever there is a token
// (safe mode: the events carry openids and revoked scopes, and only
// msg_signature binds the body to the token).
func (c Config) validatePush(bad func(name, format string, args ...any)) {
	token, key := c.WeChat.PushToken, c.Keys.WeChatPushAESKey
	if token != "" && !pushToken.MatchString(token) {
		bad("WECHAT_PUSH_TOKEN", "must be 3 to 32 letters and digits, as the WeChat admin console sets it")
	}
	if key != "" {
		if b, err := base64.StdEncoding.DecodeString(key + "="); len(key) != 43 || err != nil || len(b) != 32 {
			bad("WECHAT_PUSH_AES_KEY", "must be the 43-character EncodingAESKey from the WeChat admin console")
		}
		if token == "" {
			bad("WECHAT_PUSH_AES_KEY", "is set but UNIONHUB_WECHAT_PUSH_TOKEN is not: push needs the token")
		}
	}
	if c.Production() && token != "" && key == "" {
		bad("WECHAT_PUSH_AES_KEY", "is required in production when UNIONHUB_WECHAT_PUSH_TOKEN is set (safe mode)")
	}
}
