package browser

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/samlgo/samlgo/private"
)

// sessionCookiesFile, in the account's profile directory (0700), keeps the
// cookies without an expiry that Chrome drops when it closes: many IdPs
// (AD FS without "keep me signed in", the Shibboleth IdP) keep their SSO
// session in one, and accept it for hours. The file is 0600; it goes with
// the profile (--fresh-session).
const sessionCookiesFile = "samlgo-session-cookies.json"

// maxSessionCookies bounds the file samlgo reads back.
const maxSessionCookies = 1 << 20

// saveSessionCookies writes the browser's session cookies to the profile,
// or removes the file when there are none.
func saveSessionCookies(bctx context.Context, dir string) error {
	ctx, cancel := context.WithTimeout(bctx, 2*time.Second)
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		return err
	}
	var keep []*network.CookieParam
	for _, c := range res.Cookies {
		if !c.Session || c.PartitionKey != nil {
			continue // Chrome keeps the others itself
		}
		p := &network.CookieParam{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: c.SameSite}
		if strings.HasPrefix(c.Domain, ".") {
			p.Domain = c.Domain
		} else {
			// A host-only cookie stays host-only: set through its URL.
			scheme := "http"
			if c.Secure {
				scheme = "https"
			}
			p.URL = scheme + "://" + c.Domain + c.Path
		}
		keep = append(keep, p)
	}
	path := filepath.Join(dir, sessionCookiesFile)
	if len(keep) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	b, err := json.Marshal(keep)
	if err != nil {
		return err
	}
	return private.WriteFile(path, b, 0o600)
}

// restoreSessionCookies gives a freshly started Chrome the session cookies
// saved in its profile; the IdP decides whether they still count.
func restoreSessionCookies(bctx context.Context, dir string) (int, error) {
	b, err := private.ReadOwn(filepath.Join(dir, sessionCookiesFile), maxSessionCookies)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var cookies []*network.CookieParam
	if err := json.Unmarshal(b, &cookies); err != nil {
		return 0, err
	}
	if len(cookies) == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(bctx, 2*time.Second)
	defer cancel()
	_, err = chromedp.CallBrowser(ctx, storage.SetCookies, storage.SetCookiesParams{Cookies: cookies})
	return len(cookies), err
}
