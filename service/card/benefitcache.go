package card

import (
	"context"
	"sync"
	"time"

	"github.com/unionhub/unionhub/model"
)

// A redemption needs the benefit's org path, dates and limit. Benefits
// cannot be changed or withdrawn once created (API.md §7 has no such
// call) and an org's path never changes, so these can be kept in the
// node: nothing another node does can make them stale. Without this, every
// redemption read the benefit from the database before writing. The
// entries expire all the same, so that the org's name (kept for display)
// follows a rename; a benefit not found is never kept.
//
// If benefits ever become editable, their changes must reach every node at
// once, like a card's status: this must then move to the shared cache
// with invalidation.

const (
	benefitCacheTTL  = 10 * time.Minute
	benefitCacheSize = 4096 // benefits on offer in a province at once: a few hundred
)

type benefitCache struct {
	mu      sync.RWMutex
	entries map[int64]benefitEntry
}

type benefitEntry struct {
	b       model.BenefitWithOrg
	expires time.Time
}

// benefit returns benefit id, from the node's copy while it is fresh.
func (s *Service) benefit(ctx context.Context, id int64) (*model.BenefitWithOrg, error) {
	now := s.now()
	s.benefitCache.mu.RLock()
	e, found := s.benefitCache.entries[id]
	s.benefitCache.mu.RUnlock()
	if found && now.Before(e.expires) {
		return cloneBenefit(&e.b), nil // callers get their own copy
	}
	b, err := s.benefits.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	s.benefitCache.mu.Lock()
	defer s.benefitCache.mu.Unlock()
	if s.benefitCache.entries == nil || len(s.benefitCache.entries) >= benefitCacheSize {
		s.benefitCache.entries = make(map[int64]benefitEntry) // start over rather than track use
	}
	s.benefitCache.entries[id] = benefitEntry{b: *cloneBenefit(b), expires: now.Add(benefitCacheTTL)}
	return b, nil
}

// cloneBenefit copies b, its limit included.
func cloneBenefit(b *model.BenefitWithOrg) *model.BenefitWithOrg {
	c := *b
	if b.PerMemberLimit != nil {
		limit := *b.PerMemberLimit
		c.PerMemberLimit = &limit
	}
	return &c
}
