package codes_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

func TestCheckRegionCode(t *testing.T) {
	tests := []struct {
		in     string
		reason codes.Reason
	}{
		{"110000", ""}, // a province
		{"110100", ""}, // 市辖区
		{"110105", ""}, // a district
		{"429004", ""}, // a county-level city under the province (XX90YY)
		{"469001", ""},
		{"513229", ""}, // abolished since, still valid in old records
		{"650102", ""},
		{"", codes.ReasonRequired},
		{"11010", codes.ReasonRegionFormat},
		{"1101050", codes.ReasonRegionFormat},
		{"11010a", codes.ReasonRegionFormat},
		{" 11010", codes.ReasonRegionFormat},
		{"１１0105", codes.ReasonRegionFormat},
		{"000000", codes.ReasonRegion},
		{"100000", codes.ReasonRegion}, // national, allowed only inside a USCC
		{"991234", codes.ReasonRegion},
		{"160000", codes.ReasonRegion},
		{"710000", codes.ReasonRegion}, // Taiwan
		{"810000", codes.ReasonRegion}, // Hong Kong
		{"110001", codes.ReasonRegion}, // XX00YY does not exist
	}
	for _, tt := range tests {
		wantReasonFor(t, tt.in, codes.CheckRegionCode(tt.in), tt.reason)
	}
}
