package main

import (
	"crypto/ed25519"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/unionhub/unionhub/service/card"
)

// referenceHandler is the ceiling a scenario is measured against: bare gin
// with no middleware, answering GET /json with a small JSON object, and
// POST /verify by checking only the Ed25519 signature of the body's card
// token against the card service's published keys, no database, no cache.
func referenceHandler(keys []card.PublicKey) http.Handler {
	r := gin.New()
	r.GET("/json", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"member_no": "42010600000017", "name": "张**", "status": "active"})
	})
	byKid := make(map[string]ed25519.PublicKey, len(keys))
	for _, k := range keys {
		byKid[k.ID] = k.Key
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}))
	r.POST("/verify", func(c *gin.Context) {
		var req struct {
			Token string `json:"token"`
		}
		if err := c.ShouldBindJSON(&req); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"code": 40000})
			return
		}
		_, err := parser.Parse(req.Token, func(t *jwt.Token) (any, error) {
			kid, _ := t.Header["kid"].(string)
			if k, ok := byKid[kid]; ok {
				return k, nil
			}
			return nil, jwt.ErrTokenUnverifiable
		})
		c.JSON(http.StatusOK, gin.H{"valid": err == nil})
	})
	return r
}
