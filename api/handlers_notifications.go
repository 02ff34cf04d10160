package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/notify"
)

// notificationResponse is one in-app notification.
type notificationResponse struct {
	ID    string `json:"id"`
	Kind  string `json:"kind" example:"application_approved"`
	Title string `json:"title" example:"入会申请已通过"`
	Body  string `json:"body" example:"您的入会申请已通过审核，欢迎加入工会。"`
	// Data is what the mini-program needs to open the matter, e.g. {"application_id":"…"}.
	Data      map[string]any `json:"data" swaggertype:"object"`
	Read      bool           `json:"read"`
	ReadAt    *time.Time     `json:"read_at"`
	CreatedAt time.Time      `json:"created_at"`
}

// notificationList is a page of the caller's notifications.
type notificationList struct {
	Items      []notificationResponse `json:"items"`
	NextCursor *string                `json:"next_cursor"`
	// Unread counts all the caller's unread notifications, not only this page's.
	Unread int64 `json:"unread" example:"2"`
}

func (s *Server) toNotificationResponse(it notify.Item) notificationResponse {
	return notificationResponse{ID: idString(it.ID), Kind: it.Kind, Title: it.Title, Body: it.Body,
		Data: it.Data, Read: it.ReadAt != nil, ReadAt: s.atp(it.ReadAt), CreatedAt: s.at(it.CreatedAt)}
}

// listNotifications godoc
//
//	@Summary		The caller's notifications, newest first
//	@Description	In-app notices of decisions on the caller's affairs (applications, transfers …), written at once with the decision. unread counts every unread one of the caller's, on every page.
//	@Tags			notifications
//	@Produce		json
//	@Security		BearerAuth
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[notificationList]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Router			/me/notifications [get]
func (s *Server) listNotifications(c *gin.Context) {
	p, err := pageParams(c)
	if failed(c, err) {
		return
	}
	ctx, userID := c.Request.Context(), principal(c).UserID
	rows, next, err := s.notify.List(ctx, userID, p)
	if failed(c, err) {
		return
	}
	unread, err := s.notify.UnreadCount(ctx, userID)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, notificationList{Items: items(rows, s.toNotificationResponse), NextCursor: next, Unread: unread})
}

// readNotification godoc
//
//	@Summary		Mark a notification read
//	@Description	Reading it again keeps the first read_at. Another user's notification is 404.
//	@Tags			notifications
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"notification id"
//	@Success		200	{object}	Envelope[notificationResponse]
//	@Failure		401	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Router			/me/notifications/{id}/read [post]
func (s *Server) readNotification(c *gin.Context) {
	id, found := pathIDOr(c, notify.ErrNotFound)
	if !found {
		return
	}
	it, err := s.notify.MarkRead(c.Request.Context(), principal(c).UserID, id)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, s.toNotificationResponse(*it))
}
