package api

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/wxpush"
)

// pushBodyLimit bounds a push body: WeChat's events are a few KiB.
const pushBodyLimit = 64 << 10

func pushQuery(c *gin.Context) wxpush.Query {
	return wxpush.Query{Signature: c.Query("signature"), Timestamp: c.Query("timestamp"), Nonce: c.Query("nonce"),
		EncryptType: c.Query("encrypt_type"), MsgSignature: c.Query("msg_signature")}
}

// checkPush godoc
//
//	@Summary		WeChat message push: server check
//	@Description	WeChat's check when the push URL is saved in the admin console: signature is the hex SHA-1 of token (UNIONHUB_WECHAT_PUSH_TOKEN), timestamp and nonce sorted and joined. Replies echostr as text/plain; a bad signature, or a timestamp more than 5 minutes off, is 403/40300; without a push token configured the route is 404.
//	@Tags			wechat
//	@Produce		plain
//	@Param			signature	query		string	true	"SHA-1 signature"
//	@Param			timestamp	query		string	true	"Unix seconds"
//	@Param			nonce		query		string	true	"nonce"
//	@Param			echostr		query		string	true	"echoed back"
//	@Success		200			{string}	string	"echostr"
//	@Failure		403			{object}	ErrorResponse
//	@Router			/wechat/push [get]
func (s *Server) checkPush(c *gin.Context) {
	if failed(c, s.push.Check(pushQuery(c))) {
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(c.Query("echostr")))
}

// receivePush godoc
//
//	@Summary		WeChat message push: events
//	@Description	Events WeChat pushes, JSON or XML, plain or safe mode. signature (SHA-1 of the sorted token, timestamp, nonce) is checked, and in safe mode (encrypt_type=aes) msg_signature over the Encrypt field too; the body is opened with UNIONHUB_WECHAT_PUSH_AES_KEY (AES-256-CBC) and must name this mini-program's appid. With an AES key configured only safe mode is taken. Bad signatures, another appid and timestamps more than 5 minutes off are 403/40300; a body over 64 KiB is 413/41300; a body that is no push message is 400/40000. Each event is applied once, however often it arrives (retries and replays reply success and change nothing): user_authorization_cancellation records a deactivation due at once and ends every session of the user; user_authorization_revoke naming the phone scope clears the bound phone; subscribe_msg_popup_event and subscribe_msg_change_event with reject, and subscribe_msg_sent_event with error 43101, zero the template's subscription balance. Replies success as text/plain.
//	@Tags			wechat
//	@Accept			json
//	@Accept			xml
//	@Produce		plain
//	@Param			signature		query		string	true	"SHA-1 signature"
//	@Param			timestamp		query		string	true	"Unix seconds"
//	@Param			nonce			query		string	true	"nonce"
//	@Param			encrypt_type	query		string	false	"aes in safe mode"
//	@Param			msg_signature	query		string	false	"safe mode: SHA-1 of the sorted token, timestamp, nonce, Encrypt"
//	@Success		200				{string}	string	"success"
//	@Failure		403				{object}	ErrorResponse
//	@Failure		413				{object}	ErrorResponse
//	@Router			/wechat/push [post]
func (s *Server) receivePush(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if isTooLarge(err) {
		fail(c, tooLarge())
		return
	}
	if failed(c, err) {
		return
	}
	if failed(c, s.push.Receive(c.Request.Context(), pushQuery(c), body)) {
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte("success"))
}
