package api

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/media"
	"github.com/unionhub/unionhub/service/upload"
)

// uploadBodyLimit is an upload's file plus room for the multipart framing.
const uploadBodyLimit = upload.MaxSize + 64<<10

// uploadResponse describes a stored file.
type uploadResponse struct {
	ID          string `json:"id"`
	Kind        string `json:"kind" enums:"photo,id_card_front,id_card_back,proof"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type" enums:"image/jpeg,image/png,image/webp"`
	SHA256      string `json:"sha256"`
	// URL is GET /uploads/{id} (with the Bearer header; absolute under
	// UNIONHUB_PUBLIC_BASE_URL).
	URL string `json:"url"`
}

// createUpload godoc
//
//	@Summary		Upload a photo, ID-card image or proof
//	@Description	multipart/form-data with fields file and kind. JPEG, PNG or WebP by content (415 otherwise, also when it does not decode), at most 5 MiB (413, refused from the declared length before reading). At most 24 megapixels and 8192 pixels a side, and at most 96 MiB to decode (16-bit and progressive images take more a pixel): a larger picture is 422 on field file, refused from its header before any pixel is decoded. A node decodes a bounded amount at once (128 MiB); an upload that finds no room within 5 s is 503/50300 with Retry-After. Needs a current consent (422 on field consent; ID-card images need sensitive_info). Metadata is stripped and the file encrypted at rest; sha256 is of the bytes as sent. Limits per user (429/42900 with Retry-After): 20 uploads a minute and 60 a day; at most 40 files kept (a file no form uses is deleted a day after its upload; Retry-After says when the first goes).
//	@Tags			uploads
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file	formData	file	true	"the image"
//	@Param			kind	formData	string	true	"photo, id_card_front, id_card_back or proof"
//	@Success		201		{object}	Envelope[uploadResponse]
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Failure		503		{object}	ErrorResponse	"the node's image decoding is busy: Retry-After"
//	@Router			/uploads [post]
func (s *Server) createUpload(c *gin.Context) {
	kind, file, err := readUploadForm(c)
	if failed(c, err) {
		return
	}
	u, err := s.uploads.Put(c.Request.Context(), principal(c).UserID, kind, bytes.NewReader(file))
	if failed(c, err) {
		return
	}
	ok(c, http.StatusCreated, uploadResponse{ID: idString(u.ID), Kind: u.Kind, Size: u.Size,
		ContentType: u.ContentType, SHA256: u.SHA256, URL: s.link("/uploads/" + idString(u.ID))})
}

// readUploadForm streams the multipart body: the kind field and the file,
// in either order, the file cut off (413) as soon as it passes the limit.
func readUploadForm(c *gin.Context) (kind string, file []byte, err error) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return "", nil, malformed("请以 multipart/form-data 上传文件")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if isTooLarge(err) {
				return "", nil, tooLarge()
			}
			return "", nil, malformed("上传内容不完整，请重试")
		}
		switch part.FormName() {
		case "kind":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return "", nil, partError(err)
			}
			kind = string(b)
		case "file":
			b, err := io.ReadAll(io.LimitReader(part, upload.MaxSize+1))
			if err != nil {
				return "", nil, partError(err)
			}
			if len(b) > upload.MaxSize {
				return "", nil, media.ErrTooLarge
			}
			file = b
		}
		_ = part.Close()
	}
	var bad []service.FieldError
	if kind == "" {
		bad = append(bad, service.FieldError{Field: "kind", Message: "请注明文件类型"})
	}
	if file == nil {
		bad = append(bad, service.FieldError{Field: "file", Message: "请选择要上传的文件"})
	}
	return kind, file, service.Invalid(bad)
}

func partError(err error) error {
	if isTooLarge(err) || errors.Is(err, multipart.ErrMessageTooLarge) {
		return tooLarge()
	}
	return malformed("上传内容不完整，请重试")
}

// getUpload godoc
//
//	@Summary		A stored file
//	@Description	To its owner, and to admins whose scope holds an application or member that uses it (audited); an application that made a member counts only while the member's current union is in the caller's scope. A file past its delete_after (unused for a day, ID-card images after the retention period, every file of a user who withdrew consent) is 404 for everyone at once, before the cleanup removes it. The bytes are the stored image (metadata stripped, so they may differ from those sent).
//	@Tags			uploads
//	@Produce		image/jpeg
//	@Security		BearerAuth
//	@Param			id	path		string	true	"upload id"
//	@Success		200	{file}		binary
//	@Failure		404	{object}	ErrorResponse
//	@Router			/uploads/{id} [get]
func (s *Server) getUpload(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	ctx := c.Request.Context()
	u, data, err := s.uploads.Open(ctx, principal(c).UserID, id)
	if err != nil && service.KindOf(err) == service.KindNotFound {
		var sc *scopeResult
		if sc, err = s.adminScope(c); err == nil && sc != nil {
			u, data, err = s.uploads.OpenAsAdmin(ctx, sc.scope, id)
		}
	}
	if failed(c, err) {
		return
	}
	writeFile(c, u, data)
}

func writeFile(c *gin.Context, u *upload.Upload, data []byte) {
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, u.ContentType, data)
}
