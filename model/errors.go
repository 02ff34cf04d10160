package model

import (
	"errors"
	"strings"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// Error kinds every store method may return; services test them with
// errors.Is and never see driver errors.
var (
	// ErrNotFound means no row matched (or it lies outside the caller's scope).
	ErrNotFound = errors.New("model: not found")
	// ErrDuplicate means a unique key already holds the value.
	ErrDuplicate = errors.New("model: duplicate")
	// ErrConflict means a conditional update matched nothing: the row moved on
	// (stale version or a status that no longer allows the change).
	ErrConflict = errors.New("model: conflict")
)

// Translate turns a driver or GORM error into a model error kind. It is the
// one place where database errors are classified.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return errors.Join(ErrDuplicate, err)
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number == 1062 {
		return errors.Join(ErrDuplicate, err)
	}
	// The pure-Go SQLite driver reports constraint failures as text.
	if msg := err.Error(); strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "constraint failed: UNIQUE") {
		return errors.Join(ErrDuplicate, err)
	}
	return err
}

func errorsIsDuplicate(err error) bool { return errors.Is(err, ErrDuplicate) }
