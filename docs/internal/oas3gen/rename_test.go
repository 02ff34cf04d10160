package main

import (
	"strings"
	"testing"
)

func TestCleanNames(t *testing.T) {
	tests := []struct {
		name  string
		in    []string
		want  map[string]string
		error string
	}{
		{name: "suffixes and generics", in: []string{
			"api.applicationResponse", "api.Envelope-api_applicationResponse",
			"api.listResponse-api_applicationListItem", "api.applicationListItem",
			"api.Envelope-api_listResponse-api_applicationListItem", "api.employmentJSON", "api.ErrorResponse",
		}, want: map[string]string{
			"api.applicationResponse":                               "Application",
			"api.Envelope-api_applicationResponse":                  "ApplicationEnvelope",
			"api.listResponse-api_applicationListItem":              "ApplicationListItemPage",
			"api.applicationListItem":                               "ApplicationListItem",
			"api.Envelope-api_listResponse-api_applicationListItem": "ApplicationListItemPageEnvelope",
			"api.employmentJSON":                                    "Employment",
			"api.ErrorResponse":                                     "Error",
		}},
		{name: "collision keeps the suffix", in: []string{
			"api.applicationDetail", "api.applicationDetailResponse", "api.Envelope-api_applicationDetailResponse",
		}, want: map[string]string{
			"api.applicationDetail":                      "ApplicationDetail",
			"api.applicationDetailResponse":              "ApplicationDetailResponse",
			"api.Envelope-api_applicationDetailResponse": "ApplicationDetailResponseEnvelope",
		}},
		{name: "packages", in: []string{"mydata.Data", "mydata.Employment", "api.Envelope-mydata_Data", "rights.Fields"},
			want: map[string]string{
				"mydata.Data": "MyData", "mydata.Employment": "MyDataEmployment",
				"api.Envelope-mydata_Data": "MyDataEnvelope", "rights.Fields": "RightsFields",
			}},
		{name: "unknown package", in: []string{"other.Thing"}, error: "no prefix for package other"},
		{name: "unknown generic", in: []string{"api.thing", "api.Box-api_thing"}, error: "unknown generic type api.Box"},
		{name: "clash after wrapping", in: []string{"api.org", "api.orgPage", "api.listResponse-api_org"},
			error: "would both be named OrgPage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cleanNames(tc.in)
			if tc.error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.error) {
					t.Fatalf("err %v, want %q", err, tc.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
