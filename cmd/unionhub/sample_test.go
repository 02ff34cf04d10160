package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/codes"
)

// TestSample: every code `unionhub sample` prints passes the server's own
// checks (codes.CheckUSCC with both check characters, codes.ParseIDNumber
// with its age rule), in the asked region, both genders, as JSON or text.
func TestSample(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		args            []string
		usccs, ids      int
		region, failure string
	}{
		{name: "default", args: []string{"--json"}, usccs: 3, ids: 3},
		{name: "many", args: []string{"--json", "--n", "200"}, usccs: 200, ids: 200},
		{name: "region", args: []string{"--json", "--n", "20", "--region", "330106"}, usccs: 20, ids: 20, region: "330106"},
		{name: "uscc only", args: []string{"uscc", "--json", "--n", "5"}, usccs: 5},
		{name: "id only", args: []string{"id", "--json", "--n", "5"}, ids: 5},
		{name: "bad region", args: []string{"--region", "990000"}, failure: "行政区划代码不正确"},
		{name: "bad n", args: []string{"--n", "0"}, failure: "--n must be 1 to 1000"},
		{name: "stray argument", args: []string{"both"}, failure: `unexpected "both"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"sample"}, tc.args...), env{stdout: &out, stderr: &errOut, lookup: lookupFrom(nil)})
			if tc.failure != "" {
				if err == nil || !strings.Contains(err.Error(), tc.failure) {
					t.Fatalf("err %v, want %q", err, tc.failure)
				}
				return
			}
			if err != nil {
				t.Fatal(err, errOut.String())
			}
			var got samples
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err, out.String())
			}
			if len(got.USCCs) != tc.usccs || len(got.IDNumbers) != tc.ids {
				t.Fatalf("%d USCCs and %d ID numbers, want %d and %d", len(got.USCCs), len(got.IDNumbers), tc.usccs, tc.ids)
			}
			seen := map[string]bool{}
			for _, u := range got.USCCs {
				if err := codes.CheckUSCC(u); err != nil {
					t.Errorf("USCC %s: %v", u, err)
				}
				if tc.region != "" && u[2:8] != tc.region {
					t.Errorf("USCC %s: not in region %s", u, tc.region)
				}
				seen[u] = true
			}
			genders := map[string]int{}
			for _, s := range got.IDNumbers {
				id, err := codes.ParseIDNumber(s.Number, codes.IDTypeResident, time.Now(), shanghai)
				if err != nil {
					t.Errorf("ID %s: %v", s.Number, err)
					continue
				}
				if id.BirthDate.Format("2006-01-02") != s.BirthDate || id.Gender != s.Gender || id.RegionCode != s.Region {
					t.Errorf("ID %s: says %s %s %s, printed %+v", s.Number, id.BirthDate.Format("2006-01-02"), id.Gender, id.RegionCode, s)
				}
				if tc.region != "" && s.Region != tc.region {
					t.Errorf("ID %s: not in region %s", s.Number, tc.region)
				}
				genders[s.Gender]++
				seen[s.Number] = true
			}
			if len(seen) != tc.usccs+tc.ids {
				t.Errorf("%d distinct codes of %d", len(seen), tc.usccs+tc.ids)
			}
			if tc.ids > 1 && (genders["male"] == 0 || genders["female"] == 0) {
				t.Errorf("genders %v, want both", genders)
			}
		})
	}
}

// TestSampleText: the plain form, one code a line, and --seed repeats.
func TestSampleText(t *testing.T) {
	sample := func() string {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"sample", "--seed", "7", "--n", "2"}, env{stdout: &out, stderr: &out, lookup: lookupFrom(nil)}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	first := sample()
	lines := strings.Split(strings.TrimSpace(first), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "uscc 91") || !strings.HasPrefix(lines[2], "id   ") {
		t.Fatalf("output:\n%s", first)
	}
	if codes.CheckUSCC(strings.Fields(lines[1])[1]) != nil {
		t.Errorf("line %q", lines[1])
	}
	if again := sample(); again != first {
		t.Errorf("--seed 7 twice:\n%s\n%s", first, again)
	}
}
