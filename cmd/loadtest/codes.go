package main

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
)

// loginCodes makes the fake WeChat login codes of one run. The fake logs a
// code in as the name before its first "-" and refuses a code it has seen
// for as long as the server runs: a code that carries the run's nonce and a
// sequence number is new to a server that an earlier run drove, and still
// logs the same name in (the same openid, the same user).
type loginCodes struct {
	nonce string
	seq   atomic.Uint64
}

// newLoginCodes draws the run's nonce.
func newLoginCodes() *loginCodes {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return &loginCodes{nonce: hex.EncodeToString(b[:])}
}

// next returns a code never returned before that logs name in; name must
// not contain "-".
func (c *loginCodes) next(name string) string {
	return name + "-" + c.nonce + "." + strconv.FormatUint(c.seq.Add(1), 36)
}
