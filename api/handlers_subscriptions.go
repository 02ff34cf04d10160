package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// subscriptionsRequest is what wx.requestSubscribeMessage returned.
type subscriptionsRequest struct {
	// Results maps each template id to accept, reject, ban or filter; an
	// errMsg key, as the mini-program's result object has, is ignored.
	Results map[string]any `json:"results"`
}

// subscriptionsResponse is the balance of each template named.
type subscriptionsResponse struct {
	Remaining map[string]int `json:"remaining"`
}

// recordSubscriptions godoc
//
//	@Summary		Report a subscribe-message authorisation
//	@Description	The result of wx.requestSubscribeMessage, per template id: accept adds one message to the template's balance (a one-time subscription allows one), reject and ban zero it, filter changes nothing. A subscribe message is sent only while the balance is above zero and uses one; otherwise the notice is in-app only (the in-app notification is always written). At most 10 templates; an unknown answer is 422 on results.<template_id>.
//	@Tags			notifications
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		subscriptionsRequest	true	"results"
//	@Success		200		{object}	Envelope[subscriptionsResponse]
//	@Failure		422		{object}	ErrorResponse
//	@Router			/me/subscriptions [post]
func (s *Server) recordSubscriptions(c *gin.Context) {
	var req subscriptionsRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	results := make(map[string]string, len(req.Results))
	for k, v := range req.Results {
		str, _ := v.(string) // a non-string answer is an unknown one
		results[k] = str
	}
	remaining, err := s.notify.Subscribe(c.Request.Context(), principal(c).UserID, results)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, subscriptionsResponse{Remaining: remaining})
}
