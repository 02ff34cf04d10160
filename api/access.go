package api

import (
	"maps"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
)

const ctxScope = "scope"

// AdminRoute is a route guarded by an action of the route × role table.
// Every such route is listed, so the scope matrix test walks them all.
type AdminRoute struct {
	Method, Path string
	Action       access.Action
}

// guarded registers a route that needs a role allowed to take action: the
// caller's bindings are resolved into a scope (from the table, so a revoked
// role stops at once), 403 when no binding allows the action; the handler
// and the stores then hold every query to the scope (404 outside it).
// more names further cache keys the handler reads, prefetched with the
// session and the bindings.
func (s *Server) guarded(g *gin.RouterGroup, method, path string, action access.Action, h gin.HandlerFunc,
	more ...cacheKeys) {
	s.adminRoutes = append(s.adminRoutes, AdminRoute{Method: method, Path: g.BasePath() + path, Action: action})
	g.Handle(method, path, s.requireUser(append([]cacheKeys{rolesCacheKey}, more...)...), s.requireAction(action), h)
}

func (s *Server) requireAction(action access.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, err := s.orgs.Scope(c.Request.Context(), principal(c).UserID)
		if failed(c, err) {
			return
		}
		if !sc.Can(action) {
			fail(c, service.ErrForbidden)
			return
		}
		c.Set(ctxScope, sc)
		c.Next()
	}
}

// scopedOrgNames names the orgs of ids: on an admin route, the orgs the
// caller is bound at from the scope (their names are current: an org's
// change drops the cached bindings of everyone bound at it); the others
// from the table in one query.
func (s *Server) scopedOrgNames(c *gin.Context, ids []int64) (map[int64]string, error) {
	sc, admin := c.Get(ctxScope)
	names := make(map[int64]string, len(ids))
	var missing []int64
	for _, id := range ids {
		if _, found := names[id]; found {
			continue
		}
		if b, bound := bindingAt(sc, admin, id); bound {
			names[id] = b.OrgName
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return names, nil
	}
	rest, err := s.orgs.Names(c.Request.Context(), missing)
	if err != nil {
		return nil, err
	}
	maps.Copy(names, rest)
	return names, nil
}

func bindingAt(sc any, admin bool, orgID int64) (access.Binding, bool) {
	if !admin {
		return access.Binding{}, false
	}
	return sc.(access.Scope).BindingAt(orgID)
}

func scope(c *gin.Context) access.Scope {
	sc, _ := c.Get(ctxScope)
	return sc.(access.Scope)
}

// scopeResult is a resolved admin scope.
type scopeResult struct{ scope access.Scope }

// adminScope resolves the caller's scope for review when it has any role
// that may review; nil (no error) for a plain user.
func (s *Server) adminScope(c *gin.Context) (*scopeResult, error) {
	sc, err := s.orgs.Scope(c.Request.Context(), principal(c).UserID)
	if err != nil {
		return nil, err
	}
	if !sc.Can(access.Review) {
		return nil, service.E(service.KindNotFound, "没有找到该文件")
	}
	return &scopeResult{scope: sc}, nil
}
