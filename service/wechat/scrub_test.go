package wechat_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// TestErrorsHideCredentials checks that network errors and HTTP errors from
// every call, whose library text holds the request URL, name neither the
// secret, the access token nor the user's code.
func TestErrorsHideCredentials(t *testing.T) {
	faults := []struct {
		name  string
		fault fakewechat.Fault
	}{
		// Dropped GETs on a reused connection are retried by net/http: drop
		// a few; newClient's cleanup clears what is left.
		{"connection dropped", fakewechat.Fault{Drop: true}},
		{"HTTP 502", fakewechat.Fault{Status: 502}},
	}
	for _, o := range allOps() {
		for _, f := range faults {
			t.Run(o.name+"/"+f.name, func(t *testing.T) {
				c := newClient(t)
				warm(t, c)
				token := fake.AccessToken()
				if token == "" {
					t.Fatal("no access token after warm-up")
				}
				fake.Inject(o.path, 3, f.fault)
				code, err := o.run(context.Background(), c)
				if !errors.Is(err, wechat.ErrUpstream) {
					t.Fatalf("err = %v, want ErrUpstream", err)
				}
				msg := err.Error()
				t.Logf("error: %s", msg)
				for what, s := range map[string]string{"secret": testSecret, "access token": token, "code": code} {
					if s != "" && strings.Contains(msg, s) {
						t.Errorf("error names the %s: %s", what, msg)
					}
				}
				if !strings.Contains(msg, "=***") {
					t.Errorf("error %q shows no scrubbed URL: is the test still testing?", msg)
				}
			})
		}
	}
}
