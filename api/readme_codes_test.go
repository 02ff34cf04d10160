package api

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEErrorCodes: README's error-code table has a row for every code
// the server answers with (the error mapping and 405's 40500), with its
// HTTP status (issue 16: 40500 was missing from the documented table).
func TestREADMEErrorCodes(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	rows := map[int]int{40500: 405}
	for _, m := range errorMapping {
		rows[m.code] = m.status
	}
	for code, status := range rows {
		if row := "| " + strconv.Itoa(code) + " | " + strconv.Itoa(status) + " |"; !strings.Contains(readme, row) {
			t.Errorf("README.md has no error-code row %q", row)
		}
	}
}
