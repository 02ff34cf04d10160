package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/config"
)

func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "unionhub.yaml")
	yaml := "http_addr: \":9000\"\nrate_limit_per_ip: 50\ndb:\n  driver: mysql\n  dsn: \"u:filepass@tcp(db:3306)/uh\"\nwechat:\n  appid: wxfile\n  timeout: 3s\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"UNIONHUB_RATE_LIMIT_PER_IP": "120",
		"UNIONHUB_WECHAT_APPID":      "wxenv",
		"UNIONHUB_TRUSTED_PROXIES":   "10.0.0.0/8, 192.168.1.1",
		"UNIONHUB_SWAGGER":           "true",
		"UNIONHUB_REDIS_NEAR_COPIES": "false",
	}
	cfg, err := config.Load(file, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"file over default", cfg.HTTPAddr, ":9000"},
		{"env over file", cfg.RateLimitPerIP, 120},
		{"env string over file", cfg.WeChat.AppID, "wxenv"},
		{"file duration", cfg.WeChat.Timeout, 3 * time.Second},
		{"default kept", cfg.Timezone, "Asia/Shanghai"},
		{"list from env", strings.Join(cfg.TrustedProxies, "|"), "10.0.0.0/8|192.168.1.1"},
		{"pointer bool", cfg.SwaggerEnabled(), true},
		{"near copies turned off", cfg.Redis.NearCopiesOn(), false},
		{"near copies on by default", config.Default().Redis.NearCopiesOn(), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
	if s := cfg.String(); strings.Contains(s, "filepass") {
		t.Errorf("summary shows the DSN password: %s", s)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte("no_such_setting: 1\n"), 0o600)
	tests := []struct {
		name, path string
		env        map[string]string
		want       string
	}{
		{"unknown yaml field", bad, nil, "no_such_setting"},
		{"missing file", filepath.Join(dir, "missing.yaml"), nil, "read config file"},
		{"bad duration", "", map[string]string{"UNIONHUB_WECHAT_TIMEOUT": "soon"}, "UNIONHUB_WECHAT_TIMEOUT"},
		{"bad bool", "", map[string]string{"UNIONHUB_SWAGGER": "perhaps"}, "UNIONHUB_SWAGGER"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load(tc.path, func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %s", err, tc.want)
			}
		})
	}
}

func TestDefaultsAreValidAndEmbedded(t *testing.T) {
	cfg := config.Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.DB.Driver != "sqlite" || cfg.Redis.Addr != "" || cfg.DataDir != "./data" || cfg.HTTPAddr != ":8080" {
		t.Errorf("defaults are not the embedded default: %+v", cfg)
	}
	if cfg.Production() || !cfg.SwaggerEnabled() || !cfg.AutoMigrate() {
		t.Error("development defaults wrong")
	}
	cfg.Env = config.EnvProduction
	if cfg.SwaggerEnabled() || cfg.AutoMigrate() {
		t.Error("production serves swagger or auto-migrates by default")
	}
}
