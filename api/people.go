package api

import (
	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/pii"
)

// What admins see of a person outside the audited detail follows API.md §1,
// Lists of people. The mask of an ID number hides exactly its eight
// birth-date digits, so no such reply carries the birth date: it carries
// the age, which leaves some thirty birth dates that fit the check
// character. Names are in full only for the union's own chair and staff.

// ageOf returns the completed years of a person born on birth (YYYY-MM-DD)
// on today's business date by the server's clock; nil without a birth date.
func (s *Server) ageOf(birth *string) *int {
	if birth == nil {
		return nil
	}
	years, ok := codes.Age(*birth, s.now().In(s.cfg.Location()))
	if !ok {
		return nil
	}
	return &years
}

// nameFor returns the name of a person of orgID as the caller may read it:
// on an admin route, in full for the union's own chair and staff and
// masked for everyone else (federation admins). A route without an admin
// scope only ever names the caller (leaving, claiming one's card), who
// reads their own name.
func nameFor(c *gin.Context, orgID int64, name string) string {
	sc, admin := c.Get(ctxScope)
	if !admin || sc.(access.Scope).SeesFullNames(orgID) {
		return name
	}
	return pii.MaskName(name)
}

// applicationListItem renders a row of the review queue. A withdrawn
// application shows its name masked and no age to everyone: withdrawing
// consent withdraws it (API.md §2), and the list cannot tell that from a
// plain withdrawal without reading each applicant's consent history.
func (s *Server) applicationListItem(c *gin.Context, a *application.Application, orgName, idNumber string) applicationListItem {
	name, age := nameFor(c, a.OrgID, a.Name), s.ageOf(a.BirthDate)
	if a.Status == application.StatusWithdrawn {
		name, age = pii.MaskName(a.Name), nil
	}
	return applicationListItem{ID: idString(a.ID), OrgID: idString(a.OrgID), OrgName: orgName, Status: a.Status,
		Version: a.Version, Name: name, NameMasked: pii.MaskName(a.Name),
		IDNumberMasked: pii.MaskIDNumber(idNumber), Gender: a.Gender, Age: age, WorkType: a.WorkType,
		IsMigrantWorker: a.IsMigrantWorker, IsDispatched: a.IsDispatched, Flagged: a.Flagged,
		CreatedAt: s.at(a.CreatedAt), SubmittedAt: s.atp(a.SubmittedAt), DueOn: a.DueOn,
		Overdue: s.apps.Overdue(a), Escalated: a.EscalatedAt != nil}
}

// renderForAdmin renders a for the reply of an admin's decision.
func (s *Server) renderForAdmin(c *gin.Context, a *application.Application) (adminApplication, error) {
	r, err := s.renderApplication(c, a)
	if err != nil {
		return adminApplication{}, err
	}
	f := r.applicationFields
	f.Name = nameFor(c, a.OrgID, a.Name)
	return adminApplication{applicationFields: f, Age: s.ageOf(a.BirthDate)}, nil
}
