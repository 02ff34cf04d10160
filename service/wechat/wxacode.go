package wechat

import (
	"context"

	"github.com/silenceper/wechat/v2/miniprogram/qrcode"
)

// WXACodeUnlimit returns a mini-program code (getwxacodeunlimit) that opens
// page (a released page, without leading '/' or query) with scene (at most
// 32 visible characters), width pixels wide (0: WeChat's default, 430). It
// returns the image and its content type, or ErrRateLimited or ErrUpstream.
func (c *Client) WXACodeUnlimit(ctx context.Context, scene, page string, width int) ([]byte, string, error) {
	var img []byte
	err := c.withToken(ctx, "wxacode_unlimit", func(ctx context.Context) error {
		if err := c.token(ctx); err != nil {
			return err
		}
		// GetWXACodeUnlimit takes no context.
		var err error
		img, err = async(ctx, func() ([]byte, error) {
			return c.mp.GetQRCode().GetWXACodeUnlimit(qrcode.QRCoder{Scene: scene, Page: page, Width: width})
		})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if len(img) == 0 {
		return nil, "", badAnswer("wxacode_unlimit", "empty image")
	}
	// The library returns the bytes only when Content-Type is exactly
	// "image/jpeg".
	return img, "image/jpeg", nil
}
