package browser

import (
	"log/slog"
	"time"
)

// Options configure one sign-in.
type Options struct {
	// ExecPath is the Chrome binary (see Find).
	ExecPath string
	// URL is the first page: the IdP-initiated sign-on URL, or an
	// authorization page that leads through the IdP's sign-in.
	URL string
	// Done, when set, ends the sign-in on the first page whose URL it
	// accepts (the loopback callback of an OAuth authorization) instead of
	// a SAMLResponse posted to AWS; Result.URL is that page.
	Done func(url string) bool
	// Click are CSS selectors of controls samlgo presses, once each, when
	// they appear on a page (an approval page's Allow button); the autofill
	// still answers the IdP's pages.
	Click []string
	// ProfileDir is Chrome's user data directory (--user-data-dir), kept
	// between logins so the IdP remembers the person; see OpenProfile.
	ProfileDir string
	// KerberosHosts may sign the person in with Kerberos (Negotiate,
	// Windows Integrated Authentication) with the ticket the system holds:
	// Chrome's --auth-server-allowlist. Credentials are never delegated.
	KerberosHosts []string
	// KeepSessionCookies keeps the IdP's cookies without an expiry, which
	// Chrome drops when it closes, in the profile (0600) after a sign-in,
	// and gives them back to the next Chrome: an IdP that keeps its session
	// in one then needs no password again while it accepts the session.
	KeepSessionCookies bool
	// Headless runs Chrome without a window (--headless, --hide-scrollbars,
	// --mute-audio).
	Headless bool
	// NoSandbox adds --no-sandbox, which Chrome needs when run as root.
	NoSandbox bool
	// Autofill fills login forms; nil leaves them to the person.
	Autofill *Autofill
	// Status receives progress lines for the person.
	Status func(string)
	// StallAfter is how long a headless sign-in may go without a page change
	// or a form samlgo can fill before it gives up with a *StallError
	// (default 30s). It does not apply to a visible window.
	StallAfter time.Duration
	// DebugDir receives a stalled page's screenshot and HTML.
	DebugDir string
	// Log receives debug records; never secrets.
	Log *slog.Logger
}

// Autofill is what samlgo may type into login forms.
type Autofill struct {
	// Username is typed into an empty username field.
	Username string
	// AskUsername is asked (once) when a form wants a username and
	// Username is empty; nil means there is no one to ask.
	AskUsername func() (string, error)
	// Password is asked for when a password field appears; nil leaves the
	// password to the person.
	Password func() (string, error)
	// OTP is asked for when a one-time-code field appears; nil means there
	// is no one to ask.
	OTP func() (string, error)
	// Selectors override the guesses.
	Selectors Selectors
	// NoStaySignedIn answers No to an IdP's "Stay signed in?" question.
	// The default is Yes: samlgo keeps the IdP session in its own profile
	// directory, so the next login needs no password.
	NoStaySignedIn bool
}

// Selectors are CSS selectors for login fields, from the config.
type Selectors struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
	Submit   string `json:"submit"`
}
