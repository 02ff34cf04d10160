package main

import (
	"context"
	"fmt"
	"slices"
)

// queueSanity checks, when a queue scenario is selected, that it measures
// full pages: the chair's queue holds submitted applications and its
// ?overdue=true part overdue ones. An empty page answers fast and
// measures nothing, so it is an error: a database seeded without
// --applications, or one seeded before migration 15 whose due dates the
// deadline sweep of a serving node has not filled in yet.
func queueSanity(ctx context.Context, base string, f *fixtures, selected []string) error {
	for _, q := range []struct {
		scenario, path string
		overdue        bool
	}{
		{"queue", "/api/v1/admin/applications?status=submitted", false},
		{"queue-overdue", "/api/v1/admin/applications?status=submitted&overdue=true", true},
	} {
		if !slices.Contains(selected, q.scenario) && !(q.scenario == "queue" && slices.Contains(selected, "mixed")) {
			continue
		}
		var page struct {
			Items []struct {
				ID      string `json:"id"`
				Status  string `json:"status"`
				Overdue bool   `json:"overdue"`
			} `json:"items"`
		}
		if err := call(ctx, base, "GET", q.path, f.Chair, nil, &page); err != nil {
			return fmt.Errorf("sanity: %s: %w", q.scenario, err)
		}
		if len(page.Items) == 0 {
			return fmt.Errorf("sanity: %s: the page of %s is empty (seed with --applications; "+
				"a database seeded before migration 15 needs its due dates from a serving node's deadline sweep)", q.scenario, q.path)
		}
		for _, it := range page.Items {
			if it.Status != "submitted" || q.overdue && !it.Overdue {
				return fmt.Errorf("sanity: %s: application %s is %s, overdue %v", q.scenario, it.ID, it.Status, it.Overdue)
			}
		}
	}
	return nil
}
