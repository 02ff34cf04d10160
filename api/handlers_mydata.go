package api

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// dataExportStatusResponse is a data export's progress.
type dataExportStatusResponse struct {
	Status string `json:"status" enums:"pending,running,done,failed"`
	// ExpiresAt is when the file goes (24 h after it was made); null until
	// it is ready and after it went.
	ExpiresAt *time.Time `json:"expires_at"`
	// FileURL is GET /me/data-exports/{job_id}/file while the file is
	// there (absolute under UNIONHUB_PUBLIC_BASE_URL), else null.
	FileURL *string `json:"file_url"`
}

// myData godoc
//
//	@Summary		Everything held about the caller (查阅)
//	@Description	One document: account (phone masked), every consent record, applications with their forms (ID number and phone masked) and timelines, member records linked to the caller with their history, transfers, notifications, the card's checks and redemptions (time, the verifier's org, the benefit, the result), uploaded files (metadata), sessions (created, last used; no token material) and role bindings. Times in the business time zone. data.json of POST /me/data-exports is the same document with the caller's own ID numbers and phones in clear.
//	@Tags			me
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Envelope[mydata.Data]
//	@Failure		401	{object}	ErrorResponse
//	@Router			/me/data [get]
func (s *Server) myData(c *gin.Context) {
	d, err := s.personalData.Collect(c.Request.Context(), principal(c).UserID, false)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, d)
}

// createDataExport godoc
//
//	@Summary		Export a copy of the caller's data (复制、可携带)
//	@Description	Builds, in the background, a ZIP of data.json (GET /me/data's document with the caller's own ID numbers and phones in clear), data.xlsx (one sheet per section, cells escaped against formulas) and images/ (the caller's own photo, ID-card images and proofs, decrypted). Poll GET /me/data-exports/{job_id}, then download …/file (the caller only, for 24 h). One export per user per business day (UNIONHUB_TIMEZONE): a second is 429/42900 with Retry-After until the next midnight. Audited (me.data_export) without personal data.
//	@Tags			me
//	@Produce		json
//	@Security		BearerAuth
//	@Success		202	{object}	Envelope[jobResponse]
//	@Failure		401	{object}	ErrorResponse
//	@Failure		429	{object}	ErrorResponse
//	@Router			/me/data-exports [post]
func (s *Server) createDataExport(c *gin.Context) {
	id, err := s.personalData.Start(c.Request.Context(), principal(c).UserID)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusAccepted, jobResponse{JobID: idString(id)})
}

// dataExportStatus godoc
//
//	@Summary		A data export's progress
//	@Description	For the caller who asked for it only (404 for anyone else).
//	@Tags			me
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"job id"
//	@Success		200	{object}	Envelope[dataExportStatusResponse]
//	@Failure		404	{object}	ErrorResponse
//	@Router			/me/data-exports/{id} [get]
func (s *Server) dataExportStatus(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	st, err := s.personalData.Status(c.Request.Context(), principal(c).UserID, id)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, dataExportStatusResponse{Status: st.Status, ExpiresAt: s.atp(st.ExpiresAt),
		FileURL: s.fileLink(st.ExpiresAt, "/me/data-exports/"+idString(id)+"/file")})
}

// dataExportFile godoc
//
//	@Summary		Download a data export
//	@Description	The ZIP of a finished data export, to the caller who asked for it only (404 for anyone else), for 24 h after it was made (then 404; it is deleted). 409 while it is being built or after it failed. Each download is audited.
//	@Tags			me
//	@Produce		application/zip
//	@Security		BearerAuth
//	@Param			id	path		string	true	"job id"
//	@Success		200	{file}		binary
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse
//	@Router			/me/data-exports/{id}/file [get]
func (s *Server) dataExportFile(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	f, r, err := s.personalData.Download(c.Request.Context(), principal(c).UserID, id)
	if failed(c, err) {
		return
	}
	c.Header("Content-Disposition", attachment(f.Filename, "my-data-"+idString(id)+".zip"))
	c.Header("Content-Type", f.ContentType)
	c.Header("Content-Length", strconv.FormatInt(f.Size, 10))
	c.Header("Cache-Control", "private, no-store")
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(transferTimeout))
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, r); err != nil {
		s.log.WarnContext(c.Request.Context(), "data export download cut short", "job_id", id, "err", err)
	}
}
