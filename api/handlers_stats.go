package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/stats"
)

// statsOverviewResponse is the monitoring overview of one org's subtree.
type statsOverviewResponse struct {
	OrgID            string            `json:"org_id"`
	OrgName          string            `json:"org_name" example:"武汉市总工会"`
	Members          statsMembers      `json:"members"`
	WorkersTotal     int64             `json:"workers_total" example:"120000"`
	MembershipRate   *float64          `json:"membership_rate" example:"0.8125"`
	Applications     statsApplications `json:"applications"`
	RightsRequests   statsRights       `json:"rights_requests"`
	GrassrootsUnions int64             `json:"grassroots_unions" example:"850"`
	ByChild          []statsChild      `json:"by_child"`
	Trend            []statsMonth      `json:"trend"`
}

// statsMembers counts the members on the roll (active, retained,
// suspended) of the subtree.
type statsMembers struct {
	Total          int64 `json:"total" example:"97500"`
	Active         int64 `json:"active" example:"95000"`
	Female         int64 `json:"female" example:"41000"`
	MigrantWorkers int64 `json:"migrant_workers" example:"30000"`
	Dispatched     int64 `json:"dispatched" example:"5000"`
	Floating       int64 `json:"floating" example:"12000"`
}

// statsApplications counts pending applications and this month's decisions.
type statsApplications struct {
	Pending       int64 `json:"pending" example:"42"`
	ApprovedMonth int64 `json:"approved_month" example:"310"`
	RejectedMonth int64 `json:"rejected_month" example:"12"`
	// Overdue: pending past due_on (API.md §11).
	Overdue int64 `json:"overdue" example:"3"`
	// MedianDaysToDecision: this month's decisions, working days from
	// the latest submission to the decision; null without decisions.
	MedianDaysToDecision *float64 `json:"median_days_to_decision" example:"4.5"`
}

// statsRights counts the subtree's pending correction requests and
// disputes (API.md §10) and the overdue among them.
type statsRights struct {
	Pending int64 `json:"pending" example:"4"`
	Overdue int64 `json:"overdue" example:"1"`
}

// statsChild is one child org's line, counted over its subtree.
type statsChild struct {
	OrgID          string   `json:"org_id"`
	Name           string   `json:"name" example:"江岸区总工会"`
	MembersTotal   int64    `json:"members_total" example:"8200"`
	WorkersTotal   int64    `json:"workers_total" example:"10000"`
	MembershipRate *float64 `json:"membership_rate" example:"0.82"`
	Pending        int64    `json:"pending" example:"3"`
	Overdue        int64    `json:"overdue" example:"1"`
}

// statsMonth is one month of the trend (business time zone).
type statsMonth struct {
	Month  string `json:"month" example:"2026-11"`
	Joined int64  `json:"joined" example:"320"`
	Left   int64  `json:"left" example:"41"`
}

// statsOverview godoc
//
//	@Summary		Monitoring overview
//	@Description	Counters of an org's whole subtree: members on the roll (total = active + retained + suspended; female, migrant workers, dispatched, floating among them), workers_total (the sum of the grassroots unions' worker_count), membership_rate (入会率 = members.total / workers_total, 4 places, null without workers), pending applications and this month's approvals and rejections, overdue (pending past due_on, also per child) and rights_requests (pending correction requests and disputes of the subtree, and the overdue among them: pending past due_on, API.md §10), median_days_to_decision (this month's decisions — approve, reject, return — in working days from the latest submission, median; null without decisions), active grassroots unions, by_child (each active child org over its own subtree, for the regular progress report 定期通报) and a 12-month trend, oldest first, zero-filled (joined/left count members entering or leaving the subtree's roll, transfers included; months in the business time zone). Without org_id: the caller's widest org. Read from counters kept in each change's transaction, so the cost does not grow with the member count (overdue and the median from index ranges over the subtree's overdue applications and this month's decisions); cached for up to 30 s.
//	@Tags			stats
//	@Produce		json
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"the org (default: the caller's widest org)"
//	@Param			sort	query		string	false	"rank by_child by members (default), rate or pending, largest first"
//	@Success		200		{object}	Envelope[statsOverviewResponse]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/stats/overview [get]
func (s *Server) statsOverview(c *gin.Context) {
	orgID, err := queryID(c, "org_id")
	if failed(c, err) {
		return
	}
	ov, err := s.stats.Overview(c.Request.Context(), scope(c), orgID, c.Query("sort"))
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, toOverviewResponse(ov))
}

func toOverviewResponse(ov *stats.Overview) statsOverviewResponse {
	m := ov.Members
	out := statsOverviewResponse{OrgID: idString(ov.OrgID), OrgName: ov.OrgName,
		Members: statsMembers{Total: m.Total, Active: m.Active, Female: m.Female, MigrantWorkers: m.MigrantWorkers,
			Dispatched: m.Dispatched, Floating: m.Floating},
		WorkersTotal: ov.WorkersTotal, MembershipRate: ov.MembershipRate,
		Applications: statsApplications{Pending: ov.Applications.Pending, ApprovedMonth: ov.Applications.ApprovedMonth,
			RejectedMonth: ov.Applications.RejectedMonth, Overdue: ov.Applications.Overdue,
			MedianDaysToDecision: ov.Applications.MedianDaysToDecision},
		RightsRequests:   statsRights{Pending: ov.RightsRequests.Pending, Overdue: ov.RightsRequests.Overdue},
		GrassrootsUnions: ov.GrassrootsUnions,
		ByChild: items(ov.ByChild, func(ch stats.Child) statsChild {
			return statsChild{OrgID: idString(ch.OrgID), Name: ch.Name, MembersTotal: ch.MembersTotal,
				WorkersTotal: ch.WorkersTotal, MembershipRate: ch.MembershipRate, Pending: ch.Pending,
				Overdue: ch.Overdue}
		}),
		Trend: items(ov.Trend, func(mo stats.Month) statsMonth {
			return statsMonth{Month: mo.Month, Joined: mo.Joined, Left: mo.Left}
		})}
	return out
}
