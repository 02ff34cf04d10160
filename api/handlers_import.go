package api

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/importer"
)

// importBodyLimit is an import's file plus room for the multipart framing.
const importBodyLimit = importer.MaxSize + 64<<10

// transferTimeout bounds an import's upload and an export's download,
// which may outlast the server's read and write timeouts.
const transferTimeout = 10 * time.Minute

// jobResponse names the background job a request started.
type jobResponse struct {
	JobID string `json:"job_id" example:"384515783190089728"`
}

// importStatusResponse is an import's progress and its bad rows.
type importStatusResponse struct {
	Status   string `json:"status" enums:"pending,running,done,failed"`
	Total    int    `json:"total"`
	Imported int    `json:"imported"`
	Failed   int    `json:"failed"`
	// Errors are the first 1000 error lines in sheet order (a bad row has
	// one per bad cell); ErrorsTotal counts them all.
	Errors      []importErrorItem `json:"errors"`
	ErrorsTotal int               `json:"errors_total"`
	// Error says why the import failed as a whole (no required column, not
	// an .xlsx file …); absent otherwise.
	Error string `json:"error,omitempty" example:"表头缺少必填列：身份证号码"`
}

// importErrorItem is one bad cell: the sheet's row number (the header is
// row 1), the column's header and a Chinese message.
type importErrorItem struct {
	Row     int    `json:"row" example:"3"`
	Field   string `json:"field" example:"身份证号码"`
	Message string `json:"message" example:"身份证号码校验位不正确，请核对"`
}

// createImport godoc
//
//	@Summary		Import members from an .xlsx sheet
//	@Description	multipart/form-data with file (.xlsx, at most 50 MiB: 413, refused from the declared length before reading) and org_id (a grassroots union in the caller's scope; also accepted as a query parameter). The sheet's first row names its columns in any order (API.md §8; GET /admin/imports/template). The import runs in the background: poll GET /admin/imports/{job_id}. Rows are checked like the form; bad rows are reported and skipped, the good ones imported. A row whose ID number is on the roll is a bad row, so importing a sheet again adds nobody.
//	@Tags			imports
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file	formData	file	true	"the .xlsx sheet"
//	@Param			org_id	formData	string	true	"the grassroots union to import into"
//	@Success		202		{object}	Envelope[jobResponse]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"the union is dissolved"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse	"not an .xlsx file"
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/imports [post]
func (s *Server) createImport(c *gin.Context) {
	ctx := c.Request.Context()
	// 50 MiB from a union's office line may take longer than the server's
	// read timeout (an error here only means the writer cannot say).
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(transferTimeout))
	err := c.Request.ParseMultipartForm(1 << 20) // files go to disk past 1 MiB
	if c.Request.MultipartForm != nil {
		defer func() { _ = c.Request.MultipartForm.RemoveAll() }()
	}
	switch {
	case err == nil, errors.Is(err, http.ErrNotMultipart):
	case isTooLarge(err):
		fail(c, tooLarge())
		return
	default:
		fail(c, malformed("上传内容不完整，请重试"))
		return
	}
	raw := c.Query("org_id")
	if raw == "" {
		raw = c.Request.PostFormValue("org_id")
	}
	orgID, perr := strconv.ParseInt(raw, 10, 64)
	if raw != "" && (perr != nil || orgID <= 0) {
		fail(c, service.InvalidField("org_id", "工会编号无效"))
		return
	}
	var files []*multipart.FileHeader
	if c.Request.MultipartForm != nil {
		files = c.Request.MultipartForm.File["file"]
	}
	if len(files) == 0 {
		if _, err := s.Imports.CheckOrg(ctx, scope(c), orgID); err != nil {
			fail(c, err)
			return
		}
		fail(c, service.InvalidField("file", "请选择要导入的 .xlsx 文件"))
		return
	}
	if files[0].Size > importer.MaxSize {
		fail(c, service.E(service.KindTooLarge, "导入文件不能超过50MB"))
		return
	}
	f, err := files[0].Open()
	if err != nil {
		fail(c, err)
		return
	}
	defer f.Close()
	id, err := s.Imports.Start(ctx, scope(c), orgID, files[0].Filename, f)
	if err != nil {
		fail(c, err)
		return
	}
	ok(c, http.StatusAccepted, jobResponse{JobID: idString(id)})
}

// importStatus godoc
//
//	@Summary		An import's progress and bad rows
//	@Description	For admins whose scope holds the import's union. total counts the data rows read so far (blank rows are skipped), imported the members put on the roll, failed the bad rows. errors lists the first 1000 error lines (row: the sheet's row number, the header being row 1; field: the column's header).
//	@Tags			imports
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"job id"
//	@Success		200	{object}	Envelope[importStatusResponse]
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Router			/admin/imports/{id} [get]
func (s *Server) importStatus(c *gin.Context) {
	id, found := parseID(c, "id")
	if !found {
		fail(c, service.ErrNotFound)
		return
	}
	st, err := s.Imports.Status(c.Request.Context(), scope(c), id)
	if err != nil {
		fail(c, err)
		return
	}
	ok(c, http.StatusOK, importStatusResponse{Status: st.Status, Total: st.Total, Imported: st.Imported,
		Failed: st.Failed, ErrorsTotal: st.ErrorsTotal, Error: st.Message,
		Errors: items(st.Errors, func(e model.ImportError) importErrorItem {
			return importErrorItem{Row: e.Row, Field: e.Field, Message: e.Message}
		})})
}

// importTemplate godoc
//
//	@Summary		The import template
//	@Description	An .xlsx with the header row (required columns marked *), the ID-number and phone columns formatted as text, an example row (reported, not imported, if left in) and drop-downs for the list columns. org_id is optional; when given it must lie in the caller's scope.
//	@Tags			imports
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"a union in the caller's scope"
//	@Success		200		{file}		binary
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/imports/template [get]
func (s *Server) importTemplate(c *gin.Context) {
	orgID, err := queryID(c, "org_id")
	if err != nil {
		fail(c, err)
		return
	}
	if orgID != 0 {
		if _, err := s.Orgs.Get(c.Request.Context(), scope(c), orgID); err != nil {
			fail(c, err)
			return
		}
	}
	b, err := importer.Template()
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", attachment(importer.TemplateFilename, "import-template.xlsx"))
	c.Data(http.StatusOK, importer.TemplateContentType, b)
}
