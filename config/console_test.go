package config

import "testing"

// TestDevLogin: the console's development login exists only in development
// with the fake WeChat.
func TestDevLogin(t *testing.T) {
	tests := []struct {
		name string
		env  string
		fake bool
		want bool
	}{
		{"development, fake WeChat", EnvDevelopment, true, true},
		{"development, real WeChat", EnvDevelopment, false, false},
		{"production, fake WeChat", EnvProduction, true, false},
		{"production, real WeChat", EnvProduction, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.Env, c.WeChat.Fake = tc.env, tc.fake
			if got := c.DevLogin(); got != tc.want {
				t.Errorf("DevLogin() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestConsoleEnabled: the console is on unless UNIONHUB_CONSOLE=false.
func TestConsoleEnabled(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{{"", true}, {"true", true}, {"false", false}} {
		vars := map[string]string{}
		if tc.value != "" {
			vars["UNIONHUB_CONSOLE"] = tc.value
		}
		c, err := Load("", func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
		if err != nil {
			t.Fatal(err)
		}
		if c.ConsoleEnabled() != tc.want {
			t.Errorf("UNIONHUB_CONSOLE=%q: ConsoleEnabled() = %v, want %v", tc.value, c.ConsoleEnabled(), tc.want)
		}
	}
}
