package api

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/exporter"
)

// exportRequest is the body of POST /admin/exports.
type exportRequest struct {
	OrgID  ID     `json:"org_id" swaggertype:"string" example:"384515783190089728"`
	Format string `json:"format" enums:"xlsx,csv,national" example:"xlsx"`
	Reason string `json:"reason" example:"年度会员信息上报"`
}

// exportStatusResponse is an export's progress.
type exportStatusResponse struct {
	Status string `json:"status" enums:"pending,running,done,failed"`
	Rows   int    `json:"rows"`
	Format string `json:"format" enums:"xlsx,csv,national"`
	// ExpiresAt is when the file goes (24 h after it was made); null until
	// it is ready and after it went.
	ExpiresAt *time.Time `json:"expires_at"`
	// FileURL is GET /admin/exports/{job_id}/file while the file is there
	// (absolute under UNIONHUB_PUBLIC_BASE_URL), else null.
	FileURL *string `json:"file_url"`
	// Error says why a failed export failed (too many rows for Excel …).
	Error string `json:"error,omitempty"`
}

// createExport godoc
//
//	@Summary		Export the roll of a subtree
//	@Description	Writes the members on the roll under org_id (a union or federation in the caller's export scope: federation_admin and union_chair only) with full ID numbers and phones, in the background: poll GET /admin/exports/{job_id}, then download …/file (the requester only, for 24 h). format: xlsx; csv (UTF-8 with a BOM, so Excel opens it); national (the national field layout with GB/T codes, see docs/national-export.md). Cells a spreadsheet would run as formulas (starting = + - @, tab, CR) are prefixed with an apostrophe. reason is required; the export is audited with it and the row count.
//	@Tags			exports
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		exportRequest	true	"what to export and why"
//	@Success		202		{object}	Envelope[jobResponse]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/exports [post]
func (s *Server) createExport(c *gin.Context) {
	var req exportRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	id, err := s.exports.Start(c.Request.Context(), scope(c), exporter.Request{OrgID: int64(req.OrgID),
		Format: req.Format, Reason: req.Reason})
	if failed(c, err) {
		return
	}
	ok(c, http.StatusAccepted, jobResponse{JobID: idString(id)})
}

// exportStatus godoc
//
//	@Summary		An export's progress
//	@Description	For its requester only (404 for anyone else, and once the requester's scope no longer holds the union). rows counts the members written so far.
//	@Tags			exports
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"job id"
//	@Success		200	{object}	Envelope[exportStatusResponse]
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Router			/admin/exports/{id} [get]
func (s *Server) exportStatus(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	st, err := s.exports.Status(c.Request.Context(), scope(c), id)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, exportStatusResponse{Status: st.Status, Rows: st.Rows, Format: st.Format, ExpiresAt: s.atp(st.ExpiresAt),
		FileURL: s.fileLink(st.ExpiresAt, "/admin/exports/"+idString(id)+"/file"), Error: st.Error})
}

// exportFile godoc
//
//	@Summary		Download an export
//	@Description	The file of a finished export, to its requester only, for 24 h after it was made (then 404; it is deleted). 409 while the export runs or after it failed. Each download is audited.
//	@Tags			exports
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Produce		text/csv
//	@Security		BearerAuth
//	@Param			id	path		string	true	"job id"
//	@Success		200	{file}		binary
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse
//	@Router			/admin/exports/{id}/file [get]
func (s *Server) exportFile(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	f, r, err := s.exports.Download(c.Request.Context(), scope(c), id)
	if failed(c, err) {
		return
	}
	ext := ".xlsx"
	if len(f.Filename) > 4 && f.Filename[len(f.Filename)-4:] == ".csv" {
		ext = ".csv"
	}
	c.Header("Content-Disposition", attachment(f.Filename, "export-"+idString(id)+ext))
	c.Header("Content-Type", f.ContentType)
	c.Header("Content-Length", strconv.FormatInt(f.Size, 10))
	c.Header("Cache-Control", "private, no-store")
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(transferTimeout))
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, r); err != nil {
		s.log.WarnContext(c.Request.Context(), "export download cut short", "job_id", id, "err", err)
	}
}
