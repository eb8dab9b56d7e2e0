package kdc

import (
	"bytes"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/jcmturner/goidentity/v6"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/service"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// Acceptor checks the Negotiate tokens (SPNEGO with Kerberos, RFC 4559)
// that a browser sends to the realm's HTTP service, with the service's
// keytab: the server side of Windows Integrated Authentication. It is
// the idp package's Negotiator.
type Acceptor struct {
	keytab *keytab.Keytab
}

// Acceptor loads the service keytab.
func (r *Realm) Acceptor() (*Acceptor, error) {
	kt, err := keytab.Load(r.ServiceKeytab)
	if err != nil {
		return nil, fmt.Errorf("loading the service keytab: %w", err)
	}
	return &Acceptor{keytab: kt}, nil
}

// Negotiate returns the name of the user (the principal without its
// realm) whose ticket the request's "Authorization: Negotiate" header
// carries, "" when the request has no such header, or an error for a
// token the service refuses.
func (a *Acceptor) Negotiate(r *http.Request) (string, error) {
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Negotiate") {
		return "", nil
	}
	// gokrb5's handler does the work (decoding, the authenticator, the
	// replay cache) and hands the identity to the inner handler; what it
	// answers to the browser is not used: the IdP answers.
	var user, realm string
	var logged bytes.Buffer
	h := spnego.SPNEGOKRB5Authenticate(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if id := goidentity.FromHTTPRequestContext(r); id != nil {
			user, realm = id.UserName(), id.Domain()
		}
	}), a.keytab,
		// MIT's KDC (1.20) puts a PAC without the Windows logon
		// information into every ticket; the test IdP needs only the name.
		service.DecodePAC(false),
		service.Logger(log.New(&logged, "", 0)))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if user == "" {
		return "", fmt.Errorf("negotiate token refused: %s", strings.TrimSpace(logged.String()))
	}
	if realm != RealmName {
		return "", fmt.Errorf("negotiate token of %q in realm %q, not %q", user, realm, RealmName)
	}
	return user, nil
}
