package api

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
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
//	@Description	multipart/form-data with file (.xlsx, at most 50 MiB: 413, refused from the declared length before reading; streamed into encrypted storage as it arrives, never to a temporary file) and org_id (a grassroots union in the caller's scope; also accepted as a query parameter). The sheet's first row names its columns in any order (API.md §8; GET /admin/imports/template). The import runs in the background: poll GET /admin/imports/{job_id}. Rows are checked like the form; bad rows are reported and skipped, the good ones imported. A row whose ID number is on the roll is a bad row, so importing a sheet again adds nobody. A sheet over Excel's own limits, or over the node's (a cell of more than 32 767 characters, a row of more than 2 MiB, more than 1.5 million shared strings or 32 MiB of them, more than 1 GiB unpacked, more than 10 000 zip entries), fails as a whole: status failed, error says which.
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
	sc := scope(c)
	raw, up, err := s.readImportForm(c, sc)
	if failed(c, err) {
		return
	}
	orgID, perr := strconv.ParseInt(raw, 10, 64)
	if raw != "" && (perr != nil || orgID <= 0) {
		if up != nil {
			up.Discard()
		}
		fail(c, service.InvalidField("org_id", "工会编号无效"))
		return
	}
	if up == nil {
		if _, err := s.imports.CheckOrg(ctx, sc, orgID); err != nil {
			fail(c, err)
			return
		}
		fail(c, service.InvalidField("file", "请选择要导入的 .xlsx 文件"))
		return
	}
	id, err := s.imports.Submit(ctx, sc, orgID, up)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusAccepted, jobResponse{JobID: idString(id)})
}

// readImportForm streams the multipart body: org_id (the query's wins) and
// the first file, which goes straight into encrypted storage as it arrives
// (no temporary file, no whole copy in memory), in either order. When
// org_id comes first, a union the caller may not import into is refused
// before the file is read.
func (s *Server) readImportForm(c *gin.Context, sc access.Scope) (org string, up *importer.Upload, err error) {
	org = c.Query("org_id")
	mr, err := c.Request.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		return org, nil, nil
	}
	if err != nil {
		return "", nil, malformed("上传内容不完整，请重试")
	}
	defer func() {
		if err != nil && up != nil {
			up.Discard()
			up = nil
		}
	}()
	for {
		part, perr := mr.NextPart()
		if errors.Is(perr, io.EOF) {
			return org, up, nil
		}
		if perr != nil {
			return "", up, partError(perr)
		}
		switch {
		case part.FormName() == "org_id" && c.Query("org_id") == "":
			b, rerr := io.ReadAll(io.LimitReader(part, 32))
			if rerr != nil {
				return "", up, partError(rerr)
			}
			org = string(b)
		case part.FormName() == "file" && up == nil:
			if id, perr := strconv.ParseInt(org, 10, 64); perr == nil {
				if _, err := s.imports.CheckOrg(c.Request.Context(), sc, id); err != nil {
					return "", up, err
				}
			}
			if up, err = s.imports.Receive(c.Request.Context(), part.FileName(), part); err != nil {
				if isTooLarge(err) || errors.Is(err, multipart.ErrMessageTooLarge) {
					err = tooLarge()
				}
				return "", up, err
			}
		default:
			if _, rerr := io.Copy(io.Discard, part); rerr != nil {
				return "", up, partError(rerr)
			}
		}
		_ = part.Close()
	}
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
	id, found := pathID(c)
	if !found {
		return
	}
	st, err := s.imports.Status(c.Request.Context(), scope(c), id)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, importStatusResponse{Status: st.Status, Total: st.Total, Imported: st.Imported,
		Failed: st.Failed, ErrorsTotal: st.ErrorsTotal, Error: st.Message,
		Errors: items(st.Errors, func(e importer.RowError) importErrorItem {
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
	if failed(c, err) {
		return
	}
	if orgID != 0 {
		if _, err := s.orgs.Get(c.Request.Context(), scope(c), orgID); err != nil {
			fail(c, err)
			return
		}
	}
	b, err := importer.Template()
	if failed(c, err) {
		return
	}
	c.Header("Content-Disposition", attachment(importer.TemplateFilename, "import-template.xlsx"))
	c.Data(http.StatusOK, importer.TemplateContentType, b)
}
