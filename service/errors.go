// Package service holds what every domain service shares: the domain error
// type that the api layer turns into HTTP statuses and codes in one place.
// The domains themselves live in the sub-packages (identity, org, …).
package service

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a domain error; the api layer maps each kind to one HTTP
// status and one envelope code.
type Kind int

// The kinds of domain error (API.md §1).
const (
	KindInternal        Kind = iota // 500/50000
	KindMalformed                   // 400/40000
	KindInvalid                     // 422/40001 with field details
	KindUnauthenticated             // 401/40100
	KindTokenExpired                // 401/40101
	KindBadWeChatCode               // 401/40102
	KindForbidden                   // 403/40300
	KindNotFound                    // 404/40400
	KindConflict                    // 409/40900
	KindOnRoll                      // 409/40901
	KindOpenApplication             // 409/40902
	KindLimitReached                // 409/40903
	KindTooLarge                    // 413/41300
	KindUnsupportedType             // 415/41500
	KindRateLimited                 // 429/42900
	KindUpstream                    // 502/50200
	KindUnavailable                 // 503/50300
)

// FieldError names one bad field by its JSON path, with a Chinese message.
type FieldError struct {
	Field   string
	Message string
}

// Error is a domain error: a kind, a Chinese message a worker understands,
// and for validation errors every bad field.
type Error struct {
	Kind       Kind
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration // for KindRateLimited and KindUnavailable: the Retry-After header
	Err        error         // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E returns an error of kind with message.
func E(kind Kind, message string) *Error { return &Error{Kind: kind, Message: message} }

// Wrap returns an error of kind with message that keeps err as its cause.
func Wrap(kind Kind, message string, err error) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Invalid returns a validation error listing fields; nil when there are none.
func Invalid(fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "提交的信息有误，请按提示修改", Fields: fields}
}

// InvalidField returns a validation error on one field.
func InvalidField(field, message string) error {
	return Invalid([]FieldError{{Field: field, Message: message}})
}

// RateLimited returns a rate-limit error that tells when to retry.
func RateLimited(message string, retryAfter time.Duration) *Error {
	return &Error{Kind: KindRateLimited, Message: message, RetryAfter: retryAfter}
}

// KindOf returns the kind of err: the kind of the *Error it wraps, else
// KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Common errors.
var (
	ErrUnauthenticated = E(KindUnauthenticated, "请先登录")
	ErrTokenExpired    = E(KindTokenExpired, "登录已过期，请刷新")
	ErrForbidden       = E(KindForbidden, "您没有进行此操作的权限")
	ErrNotFound        = E(KindNotFound, "没有找到相关记录")
	ErrUnavailable     = E(KindUnavailable, "服务暂时不可用，请稍后再试")
)
