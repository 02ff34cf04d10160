package config_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/config"
)

// strongKey is a fixed 32-byte key that looks random, distinct per label.
func strongKey(label string) []byte {
	sum := sha256.Sum256([]byte("unionhub config test " + label))
	return sum[:]
}

func b64(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// production is a valid production configuration with strong keys.
func production() config.Config {
	cfg := config.Default()
	cfg.Env = config.EnvProduction
	cfg.MetricsAddr = "127.0.0.1:9100"
	cfg.PublicBaseURL = "https://uh.example.cn"
	cfg.WeChat.AppID, cfg.WeChat.Secret = "wx0123456789abcdef", "5f2b8c1d9e0a4b7c8d3e6f1a2b9c0d4e"
	cfg.Keys = config.Keys{
		PIIKeys:       "k1:" + b64(strongKey("pii1")) + ",k2:" + b64(strongKey("pii2")),
		PIIActiveKey:  "k2",
		BlindIndexKey: b64(strongKey("index")),
		TokenKey:      b64(strongKey("token")),
		CardKeys:      "c1:" + b64(strongKey("card1")),
		CardActiveKey: "c1",
		AuditKey:      b64(strongKey("audit")),
		// The push key in the console's form: 43 characters, no padding.
		WeChatPushAESKey: encodingAESKey(strongKey("push")),
	}
	cfg.WeChat.PushToken = "Pt7x2Kq9LmW4"
	return cfg
}

// encodingAESKey is k as the WeChat console shows an EncodingAESKey.
func encodingAESKey(k []byte) string { return strings.TrimRight(b64(k), "=") }

// Production refuses weak keys, one key used for two purposes and plain
// http to WeChat or as the public base URL, naming the setting; the error
// never shows key material.
func TestValidateRefusesWeakSettingsInProduction(t *testing.T) {
	if err := production().Validate(); err != nil {
		t.Fatalf("strong production configuration refused: %v", err)
	}
	zero := make([]byte, 32)
	ones := bytes.Repeat([]byte{0xff}, 32)
	pattern := bytes.Repeat([]byte("abcd"), 8)
	counting := make([]byte, 32)
	for i := range counting {
		counting[i] = byte(i)
	}
	fewBytes := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, 4)[:32]
	fewBytes[31], fewBytes[30] = 9, 1 // no longer periodic, still only 9 distinct bytes
	tests := []struct {
		name    string
		change  func(c *config.Config)
		setting string
		want    string
	}{
		{"all-zero PII key", func(c *config.Config) { c.Keys.PIIKeys = "k1:" + b64(zero) + ",k2:" + b64(strongKey("pii2")) }, "UNIONHUB_PII_KEYS", "weak"},
		{"all-0xff blind index key", func(c *config.Config) { c.Keys.BlindIndexKey = b64(ones) }, "UNIONHUB_BLIND_INDEX_KEY", "weak"},
		{"repeated pattern token key", func(c *config.Config) { c.Keys.TokenKey = b64(pattern) }, "UNIONHUB_TOKEN_KEY", "weak"},
		{"counting token key", func(c *config.Config) { c.Keys.TokenKey = b64(counting) }, "UNIONHUB_TOKEN_KEY", "weak"},
		{"few distinct bytes", func(c *config.Config) { c.Keys.BlindIndexKey = b64(fewBytes) }, "UNIONHUB_BLIND_INDEX_KEY", "weak"},
		{"all-zero card seed", func(c *config.Config) { c.Keys.CardKeys = "c1:" + b64(zero) }, "UNIONHUB_CARD_KEYS", "weak"},
		{"token key is the blind index key", func(c *config.Config) { c.Keys.TokenKey = c.Keys.BlindIndexKey }, "UNIONHUB_TOKEN_KEY", "UNIONHUB_BLIND_INDEX_KEY"},
		{"same bytes in another base64 form", func(c *config.Config) {
			c.Keys.TokenKey = base64.RawURLEncoding.EncodeToString(strongKey("index"))
		}, "UNIONHUB_TOKEN_KEY", "UNIONHUB_BLIND_INDEX_KEY"},
		{"card seed is a PII key", func(c *config.Config) { c.Keys.CardKeys = "c1:" + b64(strongKey("pii1")) }, "UNIONHUB_CARD_KEYS", "UNIONHUB_PII_KEYS"},
		{"PII key is the token key", func(c *config.Config) { c.Keys.PIIKeys = "k1:" + c.Keys.TokenKey + ",k2:" + b64(strongKey("pii2")) }, "UNIONHUB_TOKEN_KEY", "UNIONHUB_PII_KEYS"},
		{"one PII key under two ids", func(c *config.Config) {
			c.Keys.PIIKeys = "k1:" + b64(strongKey("pii2")) + ",k2:" + b64(strongKey("pii2"))
		}, "UNIONHUB_PII_KEYS", "k1"},
		{"two card ids, one seed", func(c *config.Config) {
			c.Keys.CardKeys = "c1:" + b64(strongKey("card1")) + ",c2:" + b64(strongKey("card1"))
		}, "UNIONHUB_CARD_KEYS", "c2"},
		{"S3 secret is the token key", func(c *config.Config) {
			c.S3 = config.S3{Endpoint: "https://s3.example.cn", Bucket: "uh", AccessKey: "ak", SecretKey: c.Keys.TokenKey}
		}, "UNIONHUB_S3_SECRET_KEY", "UNIONHUB_TOKEN_KEY"},
		{"WeChat secret as the blind index key", func(c *config.Config) {
			c.Keys.BlindIndexKey = base64.StdEncoding.EncodeToString([]byte(c.WeChat.Secret))
		}, "UNIONHUB_WECHAT_SECRET", "UNIONHUB_BLIND_INDEX_KEY"},
		{"audit key is the token key", func(c *config.Config) { c.Keys.AuditKey = c.Keys.TokenKey }, "UNIONHUB_AUDIT_KEY", "UNIONHUB_TOKEN_KEY"},
		{"all-zero audit key", func(c *config.Config) { c.Keys.AuditKey = b64(zero) }, "UNIONHUB_AUDIT_KEY", "weak"},
		{"all-zero push AES key", func(c *config.Config) { c.Keys.WeChatPushAESKey = encodingAESKey(zero) }, "UNIONHUB_WECHAT_PUSH_AES_KEY", "weak"},
		{"push AES key is the audit key", func(c *config.Config) {
			c.Keys.WeChatPushAESKey = encodingAESKey(strongKey("audit"))
		}, "UNIONHUB_WECHAT_PUSH_AES_KEY", "UNIONHUB_AUDIT_KEY"},
		{"push token is the WeChat secret", func(c *config.Config) { c.WeChat.PushToken = c.WeChat.Secret }, "UNIONHUB_WECHAT_PUSH_TOKEN", "UNIONHUB_WECHAT_SECRET"},
		{"push token without the AES key", func(c *config.Config) { c.Keys.WeChatPushAESKey = "" }, "UNIONHUB_WECHAT_PUSH_AES_KEY", "required in production"},
		{"push AES key of the wrong length", func(c *config.Config) { c.Keys.WeChatPushAESKey = b64(strongKey("push")) }, "UNIONHUB_WECHAT_PUSH_AES_KEY", "43-character"},
		{"push AES key without a token", func(c *config.Config) { c.WeChat.PushToken = "" }, "UNIONHUB_WECHAT_PUSH_AES_KEY", "UNIONHUB_WECHAT_PUSH_TOKEN"},
		{"push token the console refuses", func(c *config.Config) { c.WeChat.PushToken = "a b" }, "UNIONHUB_WECHAT_PUSH_TOKEN", "letters and digits"},
		{"token key not base64", func(c *config.Config) { c.Keys.TokenKey = "not base64 at all!" }, "UNIONHUB_TOKEN_KEY", "base64"},
		{"plain-http WeChat", func(c *config.Config) { c.WeChat.APIBase = "http://api.weixin.qq.com" }, "UNIONHUB_WECHAT_API_BASE", "https"},
		{"WeChat base without a host", func(c *config.Config) { c.WeChat.APIBase = "https://" }, "UNIONHUB_WECHAT_API_BASE", "https"},
		{"plain-http public base URL", func(c *config.Config) { c.PublicBaseURL = "http://uh.example.cn" }, "UNIONHUB_PUBLIC_BASE_URL", "https"},
		{"no public base URL", func(c *config.Config) { c.PublicBaseURL = "" }, "UNIONHUB_PUBLIC_BASE_URL", "required in production"},
		{"public base URL with a query", func(c *config.Config) { c.PublicBaseURL = "https://uh.example.cn/?a=1" }, "UNIONHUB_PUBLIC_BASE_URL", "no query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := production()
			tc.change(&cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			var line string
			for _, l := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), tc.setting+":") {
					line = l
				}
			}
			if line == "" || !strings.Contains(line, tc.want) {
				t.Fatalf("err = %v\nwant a line for %s that mentions %q", err, tc.setting, tc.want)
			}
			for _, v := range []string{cfg.Keys.PIIKeys, cfg.Keys.BlindIndexKey, cfg.Keys.TokenKey, cfg.Keys.CardKeys, cfg.S3.SecretKey, cfg.WeChat.Secret,
				cfg.Keys.WeChatPushAESKey, cfg.WeChat.PushToken} {
				for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ':' }) {
					if len(part) >= 16 && strings.Contains(err.Error(), part) {
						t.Errorf("the error shows key material: %v", err)
					}
				}
			}
		})
	}
}

// Development keeps working: generated keys (nothing configured), and the
// production-only checks do not apply.
func TestValidateDevelopmentKeepsWorking(t *testing.T) {
	cfg := config.Default()
	cfg.Keys.TokenKey = b64(make([]byte, 32))
	cfg.WeChat.APIBase = "http://127.0.0.1:9090"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("development refused: %v", err)
	}
}
