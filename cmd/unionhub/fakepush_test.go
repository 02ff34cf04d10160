package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unionhub/unionhub/service/wxpush"
)

// The push subcommand sends a safe-mode event whose signatures a
// receiver checks: plain over (token, timestamp, nonce), msg_signature
// over the Encrypt field too.
func TestFakeWeChatPushCommand(t *testing.T) {
	const token, key = "LocalPush123", "q3Xv9LmT2kPz8RwY5bNc7HdJ4fGs6AeU1iKo0MtVxWy"
	var got struct{ signed, encrypted bool }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		body, _ := io.ReadAll(r.Body)
		var env struct{ Encrypt string }
		_ = json.Unmarshal(body, &env)
		got.signed = q.Get("signature") == wxpush.Signature(token, q.Get("timestamp"), q.Get("nonce"))
		got.encrypted = q.Get("encrypt_type") == "aes" && env.Encrypt != "" &&
			q.Get("msg_signature") == wxpush.Signature(token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt)
		_, _ = w.Write([]byte("success"))
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"fakewechat", "push", "--url", srv.URL, "--token", token, "--aes-key", key,
		"--event", "user_authorization_cancellation", "--openid", "o_dev"}, env{stdout: &out, stderr: &out})
	if err != nil || !got.signed || !got.encrypted || out.String() != "200 success\n" {
		t.Fatalf("err %v, signed %v, encrypted %v, output %q", err, got.signed, got.encrypted, out.String())
	}
}
