package api_test

import (
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/media/mediatest"
)

// issuePNG is the upload of issue 12, item 4: 155 KB declaring 10000×4000
// RGBA, which a full decode turns into 160 MB.
var issuePNG = sync.OnceValue(func() []byte { return mediatest.BombPNG(10_000, 4_000) })

// TestHostileUploads: images whose decode would exhaust a node's memory are
// refused from their header, 422 on field file with a Chinese message,
// never decoded and never a 5xx, however many arrive at once.
func TestHostileUploads(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, e *testEnv) {
		a := e.newApplicant("13844445556", idNumber("19890909", 62))
		tests := []struct {
			name string
			kind string
			data []byte
		}{
			{"10000x4000 RGBA png (issue 12)", "photo", issuePNG()},
			{"9000x2000 png, side too long", "id_card_front", mediatest.BombPNG(9_000, 2_000)},
			{"6000x4100 png, over 24 MP", "proof", mediatest.BombPNG(6_000, 4_100)},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.uploadRaw(a.Access, tc.kind, tc.data).expect(t, 422, 40001)
				if len(r.Details) != 1 || r.Details[0].Field != "file" || r.Details[0].Message == "" {
					t.Fatalf("details %+v", r.Details)
				}
			})
		}
		t.Run("8 at once", func(t *testing.T) {
			var wg sync.WaitGroup
			replies := make([]reply, 8)
			for i := range replies {
				wg.Go(func() { replies[i] = e.uploadRaw(a.Access, "photo", issuePNG()) })
			}
			wg.Wait()
			for i, r := range replies {
				if r.Status != 422 || r.Code != 40001 || len(r.Details) != 1 || r.Details[0].Field != "file" {
					t.Errorf("upload %d: %d/%d %+v", i, r.Status, r.Code, r.Details)
				}
			}
		})
	})
}
