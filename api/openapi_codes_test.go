package api

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/docs"
)

// TestOpenAPIErrorCodes: the OpenAPI document lists exactly the codes the
// server answers with (the error mapping and 405's 40500), in the Error
// schema's code enum and in the table of info.description.
func TestOpenAPIErrorCodes(t *testing.T) {
	var doc struct {
		Info struct {
			Description string `json:"description"`
		} `json:"info"`
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Code struct {
							Enum []int `json:"enum"`
						} `json:"code"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(docs.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	want := []int{40500}
	for _, m := range errorMapping {
		want = append(want, m.code)
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(doc.Components.Schemas.Error.Properties.Code.Enum))
	if !slices.Equal(got, want) {
		t.Errorf("Error.code enum %v, want %v", got, want)
	}
	for _, m := range errorMapping {
		row := "| " + strconv.Itoa(m.code) + " | " + strconv.Itoa(m.status) + " |"
		if !strings.Contains(doc.Info.Description, row) {
			t.Errorf("info.description has no row %q", row)
		}
	}
	if !strings.Contains(doc.Info.Description, "| 40500 | 405 |") {
		t.Error("info.description has no row for 40500")
	}
}
