package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Login pages in the shapes common IdPs use (written for these tests, not
// copied): the detector must find the username, password, one-time-code
// and submit elements without per-IdP code.
var loginPages = []struct {
	name, html string
	sel        Selectors
	want       map[string]string // role → id of the element marked
}{
	{"adfs", `<form method="post" id="loginForm"><input id="userNameInput" name="UserName" type="email" placeholder="someone@example.com">
<input id="passwordInput" name="Password" type="password" placeholder="Password">
<span id="submitButton" class="submit" role="button" tabindex="4" onclick="return false">Sign in</span></form>`,
		Selectors{}, map[string]string{"user": "userNameInput", "pass": "passwordInput", "submit": "submitButton"}},
	{"shibboleth", `<form action="/idp/profile/SAML2/Unsolicited/SSO?execution=e1s1" method="post">
<label for="username">Username</label><input class="form-element" id="username" name="j_username" type="text" value="">
<label for="password">Password</label><input class="form-element" id="password" name="j_password" type="password">
<input type="checkbox" name="donotcache" id="donotcache" value="1"><label for="donotcache">Don't remember login</label>
<button class="form-element" type="submit" id="proceed" name="_eventId_proceed">Login</button></form>`,
		Selectors{}, map[string]string{"user": "username", "pass": "password", "submit": "proceed"}},
	{"okta identifier first", `<form data-se="o-form"><input type="text" name="identifier" id="input28" autocomplete="username" aria-label="Username">
<input type="checkbox" name="rememberMe" id="input36"><input class="button button-primary" type="submit" value="Next" id="next"></form>`,
		Selectors{}, map[string]string{"user": "input28", "submit": "next"}},
	{"okta password", `<form><input type="password" name="credentials.passcode" id="input59" autocomplete="current-password">
<input class="button" type="submit" value="Verify" id="verify"><a href="#" id="forgot">Forgot password?</a></form>`,
		Selectors{}, map[string]string{"pass": "input59", "submit": "verify"}},
	{"pingfederate link submit", `<form method="POST"><input id="username" type="text" name="pf.username" autocomplete="off">
<input id="password" type="password" name="pf.pass"><a href="#" id="forgot">Forgot password?</a>
<a href="#" class="ping-button normal allow" id="signOnButton" onclick="return false">Sign On</a></form>`,
		Selectors{}, map[string]string{"user": "username", "pass": "password", "submit": "signOnButton"}},
	{"keycloak", `<form id="kc-form-login" method="post"><input tabindex="1" id="username" name="username" type="text" autofocus autocomplete="off">
<input tabindex="2" id="password" name="password" type="password" autocomplete="off">
<input tabindex="4" class="pf-c-button" name="login" id="kc-login" type="submit" value="Sign In"></form>`,
		Selectors{}, map[string]string{"user": "username", "pass": "password", "submit": "kc-login"}},
	{"google-style identifier", `<div><input type="email" id="identifierId" name="identifier" aria-label="Email or phone" autocomplete="username">
<div id="identifierNext"><button type="button" id="nextbtn"><span>Next</span></button></div></div>`,
		Selectors{}, map[string]string{"user": "identifierId", "submit": "nextbtn"}},
	{"one-time code", `<form><label for="c">Verification code</label><input id="c" name="otc" type="tel" inputmode="numeric" maxlength="6">
<input type="submit" id="verify" value="Verify"></form>`,
		Selectors{}, map[string]string{"otp": "c", "submit": "verify"}},
	{"hidden honeypot fields are ignored", `<form><input type="text" name="email" id="trap" style="display:none"><input type="hidden" name="user" value="x">
<input id="u" name="login" type="text"><input id="p" type="password" name="pw"><button id="b">Log in</button></form>`,
		Selectors{}, map[string]string{"user": "u", "pass": "p", "submit": "b"}},
	// Issue 10: a typeless button that opens a dialog came before the real
	// one, and the autofill clicked it.
	{"typeless add-attribute button before sign in", `<form><input id="u" name="login"><button id="add">Add attribute</button>
<input id="p" type="password" name="pw"><button id="cancel" type="button">Cancel</button><button id="go">Sign in</button></form>`,
		Selectors{}, map[string]string{"user": "u", "pass": "p", "submit": "go"}},
	// Issue 10: "Name Qualifier" matched \bname\b and was taken for a
	// second username field.
	{"name qualifier is not a username", `<form><label for="nq">Name Qualifier</label><input id="nq" name="nameQualifier">
<label for="acct">Account</label><input id="acct" name="user" value="alice" autocomplete="username"><input id="p" type="password">
<input type="submit" id="s" value="Continue"></form>`,
		Selectors{}, map[string]string{"user": "acct", "pass": "p", "submit": "s"}},
	{"submit button in the page's language", `<form><label for="u">Benutzername</label><input id="u" name="benutzer"><input id="p" type="password">
<a href="#" id="vergessen">Passwort vergessen?</a><input type="button" id="hilfe" value="Hilfe"><input type="button" id="weiter" value="Anmelden"></form>`,
		Selectors{}, map[string]string{"user": "u", "pass": "p", "submit": "weiter"}},
	{"a search box is not a username", `<input id="q" type="text" name="q" placeholder="Search"><form><input id="u" type="email" name="mail">
<input id="p" type="password"><button id="b" type="submit">ログイン</button></form>`,
		Selectors{}, map[string]string{"user": "u", "pass": "p", "submit": "b"}},
	{"configured selectors win", `<form><input id="a" name="username"><input id="real" name="x9"><input id="p" type="password">
<button id="b" type="submit">Go</button></form>`,
		Selectors{Username: "#real"}, map[string]string{"user": "real", "pass": "p", "submit": "b"}},
}

func TestDetectLoginForms(t *testing.T) {
	if sharedBrowser == nil {
		needChrome(t)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range loginPages {
			if r.URL.Path == "/"+strings.ReplaceAll(p.name, " ", "-") {
				fmt.Fprintf(w, "<!doctype html><html><body>%s</body></html>", p.html)
				return
			}
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	for _, p := range loginPages {
		t.Run(p.name, func(t *testing.T) {
			tab, cancel := chromedp.NewContext(sharedBrowser) // a tab of the shared browser
			defer cancel()
			ctx, cancelTimeout := context.WithTimeout(tab, 20*time.Second)
			defer cancelTimeout()
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+strings.ReplaceAll(p.name, " ", "-"))); err != nil {
				t.Fatal(err)
			}
			sel, _ := json.Marshal(p.sel)
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[formState]("("+strings.TrimSpace(detectJS)+")("+string(sel)+")")); err != nil {
				t.Fatal(err)
			}
			marked, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](
				`Object.fromEntries([...document.querySelectorAll("[data-samlgo]")].filter(e => !/^b\d+$/.test(e.getAttribute("data-samlgo"))).map(e => [e.getAttribute("data-samlgo"), e.id]))`))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(marked) != fmt.Sprint(p.want) {
				t.Errorf("marked %v, want %v", marked, p.want)
			}
		})
	}
}
