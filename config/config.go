// Package config holds UnionHub's one typed configuration: defaults, an
// optional YAML file and UNIONHUB_* environment variables (the environment
// wins). It is passed down by value; nothing reads the environment later.
package config

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Environments UnionHub knows.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Config is the whole configuration of one UnionHub process.
type Config struct {
	Env         string `yaml:"env" env:"ENV"`
	HTTPAddr    string `yaml:"http_addr" env:"HTTP_ADDR"`
	DataDir     string `yaml:"data_dir" env:"DATA_DIR"`
	Timezone    string `yaml:"timezone" env:"TIMEZONE"`
	LogLevel    string `yaml:"log_level" env:"LOG_LEVEL"`
	Swagger     *bool  `yaml:"swagger" env:"SWAGGER"`
	MetricsAddr string `yaml:"metrics_addr" env:"METRICS_ADDR"`
	// TrustedProxies lists the peers (IPs or CIDRs) whose X-Forwarded-For is believed.
	TrustedProxies []string `yaml:"trusted_proxies" env:"TRUSTED_PROXIES"`
	// RateLimitPerIP is requests per minute per client IP on login, phone
	// binding, applications and uploads.
	RateLimitPerIP int `yaml:"rate_limit_per_ip" env:"RATE_LIMIT_PER_IP"`
	// IDImageRetentionDays: ID-card images are deleted this long after the decision.
	IDImageRetentionDays int `yaml:"id_image_retention_days" env:"ID_IMAGE_RETENTION_DAYS"`
	// ClosedApplicationRetentionDays: the personal data of a withdrawn or
	// rejected application is erased this long after it closed.
	ClosedApplicationRetentionDays int `yaml:"closed_application_retention_days" env:"CLOSED_APPLICATION_RETENTION_DAYS"`
	// PrivacyNoticeFile names a JSON or YAML privacy notice (API.md §10)
	// that replaces the built-in one; it is checked when the node starts.
	PrivacyNoticeFile string `yaml:"privacy_notice_file" env:"PRIVACY_NOTICE_FILE"`
	// HolidaysFile names a JSON or YAML file of public holidays and make-up
	// working days per year (API.md §11) that adds years to the built-in
	// calendar or replaces built-in ones (service/calendar); it is checked
	// when the node starts.
	HolidaysFile string `yaml:"holidays_file" env:"HOLIDAYS_FILE"`
	// Console serves the web console at /console/ and its login tickets
	// (API.md §12); on unless false.
	Console *bool `yaml:"console" env:"CONSOLE"`
	// PublicBaseURL is where clients reach the API (scheme and host, and a
	// path prefix when a proxy adds one, e.g. https://uh.example.cn): every
	// link in a reply (photo_url, file links) is made absolute under it.
	// Empty (development only): links are relative, "/api/v1/…".
	PublicBaseURL string `yaml:"public_base_url" env:"PUBLIC_BASE_URL"`

	DB     DB     `yaml:"db"`
	Redis  Redis  `yaml:"redis"`
	WeChat WeChat `yaml:"wechat"`
	Keys   Keys   `yaml:"keys"`
	HTTP   HTTP   `yaml:"http"`
	S3     S3     `yaml:"s3"`
}

// S3 names S3-compatible object storage for uploads and job files; an
// empty Endpoint keeps them under DataDir.
type S3 struct {
	Endpoint  string `yaml:"endpoint" env:"S3_ENDPOINT"`
	Region    string `yaml:"region" env:"S3_REGION"`
	Bucket    string `yaml:"bucket" env:"S3_BUCKET"`
	AccessKey string `yaml:"access_key" env:"S3_ACCESS_KEY"`
	SecretKey string `yaml:"secret_key" env:"S3_SECRET_KEY"`
	UseTLS    bool   `yaml:"use_tls" env:"S3_USE_TLS"`
	Prefix    string `yaml:"prefix" env:"S3_PREFIX"`
}

// DB selects and tunes the database.
type DB struct {
	Driver       string `yaml:"driver" env:"DB_DRIVER"`
	DSN          string `yaml:"dsn" env:"DB_DSN"`
	MaxOpenConns int    `yaml:"max_open_conns" env:"DB_MAX_OPEN_CONNS"`
	// MaxIdleConns 0 (the default) keeps as many idle as MaxOpenConns: a
	// pool that keeps fewer closes the excess after every burst and dials
	// it again at the next (a TCP handshake, authentication and two SETs
	// per connection); ConnMaxIdleTime closes what a burst left idle.
	MaxIdleConns    int           `yaml:"max_idle_conns" env:"DB_MAX_IDLE_CONNS"`
	ConnMaxLifetime time.Duration `yaml:"conn_max_lifetime" env:"DB_CONN_MAX_LIFETIME"`
	ConnMaxIdleTime time.Duration `yaml:"conn_max_idle_time" env:"DB_CONN_MAX_IDLE_TIME"`
	// AutoMigrate applies pending migrations when serve starts; on by
	// default in development, off in production (run `unionhub migrate`).
	AutoMigrate *bool `yaml:"auto_migrate" env:"DB_AUTO_MIGRATE"`
}

// Redis names the cache; an empty Addr means the in-process cache.
type Redis struct {
	Addr     string `yaml:"addr" env:"REDIS_ADDR"`
	Password string `yaml:"password" env:"REDIS_PASSWORD"`
	DB       int    `yaml:"db" env:"REDIS_DB"`
	// NearCopies lets each node keep copies of sessions, roles and card
	// states in front of Redis (service/cache/near.go); on by default.
	// Nodes publish and wait for every write of those keys either way:
	// when nodes of a build without near copies still run beside this
	// one (a rolling upgrade), turn copies off until they are gone.
	NearCopies *bool `yaml:"near_copies" env:"REDIS_NEAR_COPIES"`
}

// NearCopiesOn reports whether nodes keep near copies of hot keys.
func (r Redis) NearCopiesOn() bool { return r.NearCopies == nil || *r.NearCopies }

// WeChat holds the mini-program credentials and where WeChat is reached.
type WeChat struct {
	AppID   string        `yaml:"appid" env:"WECHAT_APPID"`
	Secret  string        `yaml:"secret" env:"WECHAT_SECRET"`
	APIBase string        `yaml:"api_base" env:"WECHAT_API_BASE"`
	Timeout time.Duration `yaml:"timeout" env:"WECHAT_TIMEOUT"`
	// Fake runs the fake WeChat server inside the process and uses it
	// (development only; production refuses it).
	Fake bool `yaml:"fake" env:"WECHAT_FAKE"`
	// TemplateApplicationResult is the subscribe-message template for review
	// decisions; empty means no message is sent.
	TemplateApplicationResult string `yaml:"template_application_result" env:"WECHAT_TEMPLATE_APPLICATION_RESULT"`
	// PushToken is the message push (消息推送) token set in the WeChat
	// admin console: 3 to 32 letters and digits. Empty: push is off and
	// /wechat/push answers 404.
	PushToken string `yaml:"push_token" env:"WECHAT_PUSH_TOKEN"`
}

// Keys holds the secrets. Empty values in development are generated under
// DataDir; production refuses to start without them.
type Keys struct {
	// PIIKeys is "kid:base64key,kid2:base64key" (32-byte AES-256 keys).
	PIIKeys      string `yaml:"pii_keys" env:"PII_KEYS"`
	PIIActiveKey string `yaml:"pii_active_key" env:"PII_ACTIVE_KEY"`
	// BlindIndexKey is the base64 HMAC key of the blind indexes.
	BlindIndexKey string `yaml:"blind_index_key" env:"BLIND_INDEX_KEY"`
	// TokenKey is the base64 HMAC key that signs access tokens.
	TokenKey string `yaml:"token_key" env:"TOKEN_KEY"`
	// CardKeys is "kid:base64seed,kid2:base64seed" (32-byte Ed25519 seeds)
	// signing the e-member card tokens; every key is published at
	// /card-keys, so keys rotate. CardActiveKey names the signing key.
	CardKeys      string `yaml:"card_keys" env:"CARD_KEYS"`
	CardActiveKey string `yaml:"card_active_key" env:"CARD_ACTIVE_KEY"`
	// AuditKey is the base64 HMAC key (≥ 32 bytes) of the audit chain's
	// links and published heads. Keep it off the database's hosts and
	// backups: whoever holds it and can write the database can rewrite
	// the audit log.
	AuditKey string `yaml:"audit_key" env:"AUDIT_KEY"`
	// WeChatPushAESKey is the message push's EncodingAESKey (43 base64
	// characters of a 32-byte AES key); set, only safe-mode pushes are
	// taken. Production requires it whenever the push token is set.
	WeChatPushAESKey string `yaml:"wechat_push_aes_key" env:"WECHAT_PUSH_AES_KEY"`
}

// HTTP tunes the HTTP server.
type HTTP struct {
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout" env:"HTTP_READ_HEADER_TIMEOUT"`
	ReadTimeout       time.Duration `yaml:"read_timeout" env:"HTTP_READ_TIMEOUT"`
	WriteTimeout      time.Duration `yaml:"write_timeout" env:"HTTP_WRITE_TIMEOUT"`
	IdleTimeout       time.Duration `yaml:"idle_timeout" env:"HTTP_IDLE_TIMEOUT"`
	ShutdownTimeout   time.Duration `yaml:"shutdown_timeout" env:"HTTP_SHUTDOWN_TIMEOUT"`
	AccessTokenTTL    time.Duration `yaml:"access_token_ttl" env:"ACCESS_TOKEN_TTL"`
	RefreshTokenTTL   time.Duration `yaml:"refresh_token_ttl" env:"REFRESH_TOKEN_TTL"`
}

// Default returns the configuration used when nothing is configured: the
// embedded default (SQLite, in-process cache, files under ./data).
func Default() Config {
	return Config{
		Env:                            EnvDevelopment,
		HTTPAddr:                       ":8080",
		DataDir:                        "./data",
		Timezone:                       "Asia/Shanghai",
		LogLevel:                       "info",
		RateLimitPerIP:                 300,
		IDImageRetentionDays:           30,
		ClosedApplicationRetentionDays: 180,
		DB: DB{
			Driver:          "sqlite",
			MaxOpenConns:    50,
			ConnMaxLifetime: 30 * time.Minute,
			ConnMaxIdleTime: 5 * time.Minute,
		},
		WeChat: WeChat{
			APIBase: "https://api.weixin.qq.com",
			Timeout: 5 * time.Second,
		},
		HTTP: HTTP{
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			ShutdownTimeout:   25 * time.Second,
			AccessTokenTTL:    2 * time.Hour,
			RefreshTokenTTL:   30 * 24 * time.Hour,
		},
	}
}

// Production reports whether this is a production process.
func (c Config) Production() bool { return c.Env == EnvProduction }

// SwaggerEnabled reports whether /swagger is served: on in development,
// off in production unless UNIONHUB_SWAGGER=true.
func (c Config) SwaggerEnabled() bool {
	if c.Swagger != nil {
		return *c.Swagger
	}
	return !c.Production()
}

// ConsoleEnabled reports whether the web console (/console/ and
// /api/v1/console/*) is served: on unless UNIONHUB_CONSOLE=false.
func (c Config) ConsoleEnabled() bool { return c.Console == nil || *c.Console }

// DevLogin reports whether the console offers development login by a fake
// user name: only in development, with the fake WeChat, whose codes
// "<name>-…" log in as <name>.
func (c Config) DevLogin() bool { return !c.Production() && c.WeChat.Fake }

// AutoMigrate reports whether serve applies pending migrations at start.
func (c Config) AutoMigrate() bool {
	if c.DB.AutoMigrate != nil {
		return *c.DB.AutoMigrate
	}
	return !c.Production()
}

// Location returns the business time zone. Zones are loaded once per
// name: loading one reads the zone database, and handlers ask per request.
func (c Config) Location() *time.Location {
	if loc, found := locations.Load(c.Timezone); found {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		loc = time.FixedZone(c.Timezone, 8*3600)
	}
	locations.Store(c.Timezone, loc)
	return loc
}

// locations holds the zones Location loaded, by name.
var locations sync.Map

// Validate reports every setting that is wrong, naming each one.
func (c Config) Validate() error {
	var errs []string
	bad := func(name, format string, args ...any) {
		errs = append(errs, "UNIONHUB_"+name+": "+fmt.Sprintf(format, args...))
	}
	if c.Env != EnvDevelopment && c.Env != EnvProduction {
		bad("ENV", "must be %q or %q, got %q", EnvDevelopment, EnvProduction, c.Env)
	}
	if c.HTTPAddr == "" {
		bad("HTTP_ADDR", "must not be empty")
	}
	if c.DataDir == "" {
		bad("DATA_DIR", "must not be empty")
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		bad("TIMEZONE", "unknown time zone %q", c.Timezone)
	}
	switch c.DB.Driver {
	case "sqlite":
	case "mysql":
		if c.DB.DSN == "" {
			bad("DB_DSN", "is required when UNIONHUB_DB_DRIVER=mysql")
		}
	default:
		bad("DB_DRIVER", "must be sqlite or mysql, got %q", c.DB.Driver)
	}
	if c.DB.MaxOpenConns < 1 {
		bad("DB_MAX_OPEN_CONNS", "must be at least 1")
	}
	if c.RateLimitPerIP < 1 {
		bad("RATE_LIMIT_PER_IP", "must be at least 1")
	}
	if c.IDImageRetentionDays < 1 {
		bad("ID_IMAGE_RETENTION_DAYS", "must be at least 1")
	}
	if c.ClosedApplicationRetentionDays < 1 {
		bad("CLOSED_APPLICATION_RETENTION_DAYS", "must be at least 1")
	}
	if c.WeChat.APIBase == "" || !(strings.HasPrefix(c.WeChat.APIBase, "http://") || strings.HasPrefix(c.WeChat.APIBase, "https://")) {
		bad("WECHAT_API_BASE", "must be an http(s) URL")
	}
	if c.PublicBaseURL != "" {
		validateBaseURL(bad, "PUBLIC_BASE_URL", c.PublicBaseURL)
	}
	if c.WeChat.Timeout <= 0 {
		bad("WECHAT_TIMEOUT", "must be positive")
	}
	c.validatePush(bad)
	if c.HTTP.AccessTokenTTL <= 0 || c.HTTP.AccessTokenTTL > 2*time.Hour {
		bad("ACCESS_TOKEN_TTL", "must be between 1s and 2h")
	}
	if c.HTTP.RefreshTokenTTL < c.HTTP.AccessTokenTTL {
		bad("REFRESH_TOKEN_TTL", "must not be shorter than the access token's")
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			bad("TRUSTED_PROXIES", "%q is neither an IP address nor a CIDR", p)
		}
	}
	if c.S3.Endpoint != "" {
		for name, v := range map[string]string{"S3_BUCKET": c.S3.Bucket, "S3_ACCESS_KEY": c.S3.AccessKey, "S3_SECRET_KEY": c.S3.SecretKey} {
			if v == "" {
				bad(name, "is required when UNIONHUB_S3_ENDPOINT is set")
			}
		}
	}
	if c.Production() {
		if c.WeChat.Fake {
			bad("WECHAT_FAKE", "the fake WeChat server is for development only")
		}
		if c.WeChat.AppID == "" {
			bad("WECHAT_APPID", "is required in production")
		}
		if c.WeChat.Secret == "" {
			bad("WECHAT_SECRET", "is required in production")
		}
		if c.Keys.PIIKeys == "" {
			bad("PII_KEYS", "is required in production (generated development keys are refused)")
		}
		if c.Keys.PIIActiveKey == "" {
			bad("PII_ACTIVE_KEY", "is required in production")
		}
		if c.Keys.BlindIndexKey == "" {
			bad("BLIND_INDEX_KEY", "is required in production (generated development keys are refused)")
		}
		if c.Keys.TokenKey == "" {
			bad("TOKEN_KEY", "is required in production (generated development keys are refused)")
		}
		if c.Keys.CardKeys == "" {
			bad("CARD_KEYS", "is required in production (generated development keys are refused)")
		}
		if c.Keys.CardActiveKey == "" {
			bad("CARD_ACTIVE_KEY", "is required in production")
		}
		if c.Keys.AuditKey == "" {
			bad("AUDIT_KEY", "is required in production (generated development keys are refused)")
		}
		if c.MetricsAddr == "" {
			bad("METRICS_ADDR", "is required in production (/metrics gets its own listener)")
		}
		validateHTTPS(bad, "WECHAT_API_BASE", c.WeChat.APIBase)
		if c.PublicBaseURL == "" {
			bad("PUBLIC_BASE_URL", "is required in production (an https:// URL: links in replies, such as photo_url, must be absolute)")
		} else {
			validateHTTPS(bad, "PUBLIC_BASE_URL", c.PublicBaseURL)
		}
		c.validateSecrets(bad)
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid configuration:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
