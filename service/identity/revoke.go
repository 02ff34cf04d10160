package identity

import (
	"context"
	"fmt"
)

// RevokeAll ends every session of the user at once, on every node (the
// cache is told each revocation). In a transaction (model.InTx) the table
// changes commit with the caller's; the cache is told before the commit,
// which at worst refuses a session a rollback leaves live.
func (s *Service) RevokeAll(ctx context.Context, userID int64, reason string) error {
	ids, err := s.sessions.ActiveIDs(ctx, userID)
	if err != nil {
		return err
	}
	for _, sid := range ids {
		if err := s.revoke(ctx, sid, reason); err != nil {
			return fmt.Errorf("identity: revoke session %d: %w", sid, err)
		}
	}
	return nil
}

// ClearPhone forgets the user's bound phone. Nothing about the phone is
// cached (GET /me and claims read the users row), so no cache entry needs
// refreshing.
func (s *Service) ClearPhone(ctx context.Context, userID int64) error {
	return s.users.ClearPhone(ctx, userID, s.now().UTC())
}
