package config

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// EnvPrefix starts every environment variable UnionHub reads.
const EnvPrefix = "UNIONHUB_"

// Load builds the configuration: defaults, then the YAML file at path (if
// path is not empty), then the environment (lookup, usually os.LookupEnv).
// It does not validate; call Validate.
func Load(path string, lookup func(string) (string, bool)) (Config, error) {
	cfg := Default()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read config file: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			return cfg, fmt.Errorf("parse config file %s: %w", path, err)
		}
	}
	if err := applyEnv(reflect.ValueOf(&cfg).Elem(), lookup); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// applyEnv walks the struct and sets every field whose env tag names a
// variable that is present.
func applyEnv(v reflect.Value, lookup func(string) (string, bool)) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
			if err := applyEnv(fv, lookup); err != nil {
				return err
			}
			continue
		}
		name := f.Tag.Get("env")
		if name == "" {
			continue
		}
		raw, ok := lookup(EnvPrefix + name)
		if !ok {
			continue
		}
		if err := setField(fv, strings.TrimSpace(raw)); err != nil {
			return fmt.Errorf("%s%s: %w", EnvPrefix, name, err)
		}
	}
	return nil
}

func setField(fv reflect.Value, raw string) error {
	switch fv.Interface().(type) {
	case string:
		fv.SetString(raw)
	case int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("not an integer: %q", raw)
		}
		fv.SetInt(int64(n))
	case time.Duration:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("not a duration (e.g. 30s, 5m): %q", raw)
		}
		fv.SetInt(int64(d))
	case bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", raw)
		}
		fv.SetBool(b)
	case *bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", raw)
		}
		fv.Set(reflect.ValueOf(&b))
	case []string:
		var parts []string
		for _, p := range strings.Split(raw, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		fv.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported field type %s", fv.Type())
	}
	return nil
}

// String is a summary safe to log: secrets and DSN passwords are masked.
func (c Config) String() string {
	secret := func(s string) string {
		if s == "" {
			return "(unset)"
		}
		return "(set)"
	}
	return fmt.Sprintf("env=%s http_addr=%s data_dir=%s timezone=%s db.driver=%s db.dsn=%s "+
		"redis.addr=%q redis.password=%s wechat.appid=%s wechat.secret=%s wechat.api_base=%s wechat.fake=%t "+
		"s3.endpoint=%q s3.bucket=%q s3.secret=%s keys.pii=%s keys.blind_index=%s keys.token=%s keys.audit=%s metrics_addr=%q swagger=%t console=%t trusted_proxies=%v rate_limit_per_ip=%d",
		c.Env, c.HTTPAddr, c.DataDir, c.Timezone, c.DB.Driver, MaskDSN(c.DB.DSN),
		c.Redis.Addr, secret(c.Redis.Password), c.WeChat.AppID, secret(c.WeChat.Secret), c.WeChat.APIBase, c.WeChat.Fake,
		c.S3.Endpoint, c.S3.Bucket, secret(c.S3.SecretKey), secret(c.Keys.PIIKeys), secret(c.Keys.BlindIndexKey), secret(c.Keys.TokenKey), secret(c.Keys.AuditKey),
		c.MetricsAddr, c.SwaggerEnabled(), c.ConsoleEnabled(), c.TrustedProxies, c.RateLimitPerIP)
}

// MaskDSN hides the password of a MySQL DSN (user:password@tcp(...)/db).
func MaskDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return dsn
	}
	creds := dsn[:at]
	if colon := strings.Index(creds, ":"); colon >= 0 {
		return creds[:colon] + ":***" + dsn[at:]
	}
	return dsn
}
