package model

import (
	"cmp"
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OrgStat is one bucket of an org's current counters over its whole
// subtree. Read sums the buckets.
type OrgStat struct {
	OrgID            int64 `gorm:"primaryKey;autoIncrement:false"`
	Bucket           int   `gorm:"primaryKey;autoIncrement:false"`
	MembersTotal     int64
	Active           int64
	Female           int64
	MigrantWorkers   int64
	Dispatched       int64
	Floating         int64
	Pending          int64
	GrassrootsUnions int64
	WorkersTotal     int64
}

// TableName is org_stats.
func (OrgStat) TableName() string { return "org_stats" }

// OrgStatMonth is one bucket of an org's flows over its subtree in one
// month (YYYY-MM, business time zone).
type OrgStatMonth struct {
	OrgID     int64  `gorm:"primaryKey;autoIncrement:false"`
	Month     string `gorm:"primaryKey"`
	Bucket    int    `gorm:"primaryKey;autoIncrement:false"`
	Joined    int64
	LeftCount int64
	Approved  int64
	Rejected  int64
}

// TableName is org_stats_monthly.
func (OrgStatMonth) TableName() string { return "org_stats_monthly" }

// ChildStat is a child org with its summed counters.
type ChildStat struct {
	OrgStat
	Name string
}

var (
	statColumns  = []string{"members_total", "active", "female", "migrant_workers", "dispatched", "floating", "pending", "grassroots_unions", "workers_total"}
	monthColumns = []string{"joined", "left_count", "approved", "rejected"}
)

// StatsStore reads and writes the monitoring counters.
type StatsStore struct{ db *gorm.DB }

// NewStatsStore returns a StatsStore on db.
func NewStatsStore(db *gorm.DB) *StatsStore { return &StatsStore{db: db} }

// Add adds rows and months to the counters (each column a delta), creating
// missing rows. Rows are written in one fixed order, org_stats by (org_id,
// bucket) and then org_stats_monthly by (org_id, month, bucket), and each
// row is locked by the single upsert that changes it (no read-then-write),
// so concurrent changes that touch overlapping rows queue instead of
// deadlocking. Call it in the caller's transaction (Conn).
func (s *StatsStore) Add(ctx context.Context, rows []OrgStat, months []OrgStatMonth) error {
	slices.SortFunc(rows, func(a, b OrgStat) int {
		return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.Bucket, b.Bucket))
	})
	slices.SortFunc(months, func(a, b OrgStatMonth) int {
		return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.Month, b.Month), cmp.Compare(a.Bucket, b.Bucket))
	})
	db := Conn(ctx, s.db)
	for chunk := range slices.Chunk(rows, addChunk) {
		err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "org_id"}, {Name: "bucket"}},
			DoUpdates: addAssignments(db, statColumns)}).Create(&chunk).Error
		if err := Translate(err); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(months, addChunk) {
		err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "org_id"}, {Name: "month"}, {Name: "bucket"}},
			DoUpdates: addAssignments(db, monthColumns)}).Create(&chunk).Error
		if err := Translate(err); err != nil {
			return err
		}
	}
	return nil
}

// addChunk rows per statement keep a large fix (every org of a province)
// under the placeholder limits; a change's own rows fit in one.
const addChunk = 500

// addAssignments adds the inserted value to the existing one on conflict:
// VALUES(col) on MySQL and TiDB, excluded.col on SQLite.
func addAssignments(db *gorm.DB, cols []string) clause.Set {
	set := make(clause.Set, len(cols))
	mysql := Dialect(db) == DialectMySQL
	for i, c := range cols {
		expr := c + " + excluded." + c
		if mysql {
			expr = c + " + VALUES(" + c + ")"
		}
		set[i] = clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr(expr)}
	}
	return set
}

const sumStats = "COALESCE(SUM(members_total),0) AS members_total, COALESCE(SUM(active),0) AS active, " +
	"COALESCE(SUM(female),0) AS female, COALESCE(SUM(migrant_workers),0) AS migrant_workers, " +
	"COALESCE(SUM(dispatched),0) AS dispatched, COALESCE(SUM(floating),0) AS floating, " +
	"COALESCE(SUM(pending),0) AS pending, COALESCE(SUM(grassroots_unions),0) AS grassroots_unions, " +
	"COALESCE(SUM(workers_total),0) AS workers_total"

const sumMonths = "COALESCE(SUM(joined),0) AS joined, COALESCE(SUM(left_count),0) AS left_count, " +
	"COALESCE(SUM(approved),0) AS approved, COALESCE(SUM(rejected),0) AS rejected"

// Sum returns org's counters, its buckets summed (all zero when it has
// none): a primary-key range read of at most a bucket count of rows.
func (s *StatsStore) Sum(ctx context.Context, orgID int64) (OrgStat, error) {
	var out OrgStat
	err := Conn(ctx, s.db).Model(&OrgStat{}).Select(sumStats).Where("org_id = ?", orgID).Scan(&out).Error
	out.OrgID = orgID
	return out, Translate(err)
}

// Children returns the active children of parent with their summed
// counters (zero for a child without rows).
func (s *StatsStore) Children(ctx context.Context, parent int64) ([]ChildStat, error) {
	var out []ChildStat
	err := Conn(ctx, s.db).Table("orgs AS o").
		Select("o.id AS org_id, o.name AS name, "+sumStats).
		Joins("LEFT JOIN org_stats s ON s.org_id = o.id").
		Where("o.parent_id = ? AND o.status = ?", parent, OrgActive).
		Group("o.id, o.name").Scan(&out).Error
	return out, Translate(err)
}

// Months returns org's flows per month from from to to (YYYY-MM,
// inclusive), buckets summed; months without rows are missing.
func (s *StatsStore) Months(ctx context.Context, orgID int64, from, to string) ([]OrgStatMonth, error) {
	var out []OrgStatMonth
	err := Conn(ctx, s.db).Model(&OrgStatMonth{}).Select("month, "+sumMonths).
		Where("org_id = ? AND month >= ? AND month <= ?", orgID, from, to).
		Group("month").Order("month").Scan(&out).Error
	for i := range out {
		out[i].OrgID = orgID
	}
	return out, Translate(err)
}

// SumAll returns every org's counters, buckets summed (for reconciling).
func (s *StatsStore) SumAll(ctx context.Context) ([]OrgStat, error) {
	var out []OrgStat
	err := Conn(ctx, s.db).Model(&OrgStat{}).Select("org_id, " + sumStats).Group("org_id").Scan(&out).Error
	return out, Translate(err)
}

// SumAllMonths returns every org's flows per month, buckets summed.
func (s *StatsStore) SumAllMonths(ctx context.Context) ([]OrgStatMonth, error) {
	var out []OrgStatMonth
	err := Conn(ctx, s.db).Model(&OrgStatMonth{}).Select("org_id, month, " + sumMonths).
		Group("org_id, month").Scan(&out).Error
	return out, Translate(err)
}

// RollCount counts one union's members on the roll.
type RollCount struct {
	OrgID, Total, Active, Female, Migrant, Dispatched, Floating int64
}

// CountRoll counts the members on the roll per union, from the roll
// itself (for reconciling; a full scan).
func (s *StatsStore) CountRoll(ctx context.Context) ([]RollCount, error) {
	var out []RollCount
	err := Conn(ctx, s.db).Model(&Member{}).Select(`org_id, COUNT(*) AS total,
		SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS active,
		SUM(CASE WHEN gender = 'female' THEN 1 ELSE 0 END) AS female,
		SUM(CASE WHEN is_migrant_worker THEN 1 ELSE 0 END) AS migrant,
		SUM(CASE WHEN is_dispatched THEN 1 ELSE 0 END) AS dispatched,
		SUM(CASE WHEN work_type = 'floating' THEN 1 ELSE 0 END) AS floating`, MemberActive).
		Where("status IN ?", OnRollStatuses).Group("org_id").Scan(&out).Error
	return out, Translate(err)
}

// OrgCount is a number per org.
type OrgCount struct{ OrgID, N int64 }

// CountPending counts the submitted applications per union.
func (s *StatsStore) CountPending(ctx context.Context) ([]OrgCount, error) {
	var out []OrgCount
	err := Conn(ctx, s.db).Model(&Application{}).Select("org_id, COUNT(*) AS n").
		Where("status = ?", AppSubmitted).Group("org_id").Scan(&out).Error
	return out, Translate(err)
}

// DecidedApplication is one decided application.
type DecidedApplication struct {
	OrgID      int64
	Status     string
	ReviewedAt time.Time
}

// EachDecision streams the applications in statuses that have a review
// time to fn (for reconciling; a full scan).
func (s *StatsStore) EachDecision(ctx context.Context, statuses []string, fn func(DecidedApplication) error) error {
	q := Conn(ctx, s.db).Model(&Application{}).Select("org_id, status, reviewed_at").
		Where("status IN ? AND reviewed_at IS NOT NULL", statuses)
	return eachRow(q, fn)
}

// ReviewTime is one review of an application in a subtree.
type ReviewTime struct {
	Path        string
	SubmittedAt time.Time
	ReviewedAt  time.Time
}

// EachReview streams the applications under path decided (approved,
// rejected or returned) in [from, to), with their union's path.
func (s *StatsStore) EachReview(ctx context.Context, path string, from, to time.Time, fn func(ReviewTime) error) error {
	q := Conn(ctx, s.db).Table("applications AS a").Select("o.path AS path, a.submitted_at, a.reviewed_at").
		Joins("JOIN orgs o ON o.id = a.org_id").Scopes(InSubtrees([]string{path}, "o")).
		Where("a.status IN ? AND a.submitted_at IS NOT NULL AND a.reviewed_at >= ? AND a.reviewed_at < ?",
			[]string{AppApproved, AppRejected, AppReturned}, from, to)
	return eachRow(q, fn)
}

// MonthOf returns the flows of orgs in month, buckets summed, by org.
func (s *StatsStore) MonthOf(ctx context.Context, orgIDs []int64, month string) (map[int64]OrgStatMonth, error) {
	out := map[int64]OrgStatMonth{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	var rows []OrgStatMonth
	err := Conn(ctx, s.db).Model(&OrgStatMonth{}).Select("org_id, month, "+sumMonths).
		Where("org_id IN ? AND month = ?", orgIDs, month).Group("org_id, month").Scan(&rows).Error
	for _, r := range rows {
		out[r.OrgID] = r
	}
	return out, Translate(err)
}

// EachEvent streams the membership events of types to fn.
func (s *StatsStore) EachEvent(ctx context.Context, types []string, fn func(MembershipEvent) error) error {
	q := Conn(ctx, s.db).Model(&MembershipEvent{}).Select("type, from_org_id, to_org_id, created_at").
		Where("type IN ?", types)
	return eachRow(q, fn)
}

// AllOrgs returns every org (for reconciling: paths, types, workers).
func (s *StatsStore) AllOrgs(ctx context.Context) ([]Org, error) {
	var out []Org
	err := Conn(ctx, s.db).Select("id, parent_id, path, depth, type, name, status, worker_count").Find(&out).Error
	return out, Translate(err)
}

func eachRow[T any](q *gorm.DB, fn func(T) error) error {
	rows, err := q.Rows()
	if err != nil {
		return Translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := q.ScanRows(rows, &v); err != nil {
			return Translate(err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return Translate(rows.Err())
}
