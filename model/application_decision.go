package model

import (
	"context"
	"strings"
	"sync"

	"gorm.io/gorm/schema"
)

// Decidable is an application with what deciding it needs, read in one
// statement: its union, and the blind index of the phone the applicant has
// bound (nil when none is, or the user is gone).
type Decidable struct {
	Application
	Org          Org     `gorm:"embedded;embeddedPrefix:org__"`
	UserPhoneIdx *string `gorm:"column:user__phone_idx"`
}

var (
	orgColumnsOnce sync.Once
	orgColumns     string // "orgs.id AS org__id, …"
)

// prefixedOrgColumns selects every column of orgs under Decidable's prefix.
func prefixedOrgColumns() string {
	orgColumnsOnce.Do(func() {
		s, err := schema.Parse(&Org{}, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			panic("model: parse Org: " + err.Error())
		}
		cols := make([]string, len(s.DBNames))
		for i, c := range s.DBNames {
			cols[i] = "orgs." + c + " AS org__" + c
		}
		orgColumns = strings.Join(cols, ", ")
	})
	return orgColumns
}

// Decidable returns application id in scope (not a draft) with its union
// and the applicant's bound phone, or ErrNotFound.
func (s *ApplicationStore) Decidable(ctx context.Context, id int64, paths []string) (*Decidable, error) {
	var d Decidable
	err := Conn(ctx, s.db).Table("applications").
		Select("applications.*, "+prefixedOrgColumns()+", users.phone_idx AS user__phone_idx").
		Joins("JOIN orgs ON orgs.id = applications.org_id").
		Joins("LEFT JOIN users ON users.id = applications.user_id").
		Scopes(OrgInSubtrees(paths, "applications.org_id")).
		Where("applications.id = ? AND applications.status <> ?", id, AppDraft).
		Take(&d).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &d, nil
}
