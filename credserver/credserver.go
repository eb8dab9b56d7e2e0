// Package credserver is a container credentials endpoint: the ECS protocol
// the AWS SDKs read through AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN, answering each authorized request
// with credentials fresh at that moment.
package credserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/samlgo/samlgo/creds"
)

// LongTermExpiry is the Expiration given with credentials that have none
// (an IAM user's keys).
const LongTermExpiry = 15 * time.Minute

// TokenBytes is the size of the authorization token's randomness.
const TokenBytes = 32

// NewToken returns a fresh authorization token: 32 random bytes, hex.
func NewToken() (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Server answers the SDKs' container credentials requests.
type Server struct {
	// Token must be the Authorization header of every request; it is
	// compared in constant time and never logged.
	Token string
	// Credentials returns credentials valid for a while yet (it refreshes
	// them as needed).
	Credentials func(ctx context.Context) (creds.Credentials, error)
	// Log receives one record per request: never the token or a secret.
	Log *slog.Logger
}

// response is the ECS container credentials document ("Amazon ECS task IAM
// role": AccessKeyId, SecretAccessKey, Token, Expiration).
type response struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

// errorResponse is what the SDKs read from a failed request.
type errorResponse struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := s.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET is served")
		return
	}
	if got := r.Header.Get("Authorization"); s.Token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.Token)) != 1 {
		log.Debug("container credentials request refused", "remote", r.RemoteAddr)
		// A client without the token gets its answer and loses the
		// connection: it cannot hold one open for keep-alive.
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusUnauthorized, "AccessDenied", "the Authorization header does not carry AWS_CONTAINER_AUTHORIZATION_TOKEN")
		return
	}
	c, err := s.Credentials(r.Context())
	if err != nil {
		log.Debug("container credentials unavailable", "err", err)
		writeError(w, http.StatusServiceUnavailable, "CredentialsUnavailable", oneLine(err.Error()))
		return
	}
	exp := c.Expiration
	if exp.IsZero() {
		// Long-term keys do not expire, but botocore's container provider
		// needs an Expiration: a short one makes clients come back, and
		// meet the keys' revocation soon.
		exp = time.Now().Add(LongTermExpiry)
	}
	log.Debug("container credentials served", "remote", r.RemoteAddr, "expires", exp)
	_ = json.NewEncoder(w).Encode(response{
		AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Token: c.SessionToken,
		Expiration: exp.UTC().Format(time.RFC3339),
	})
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorResponse{Code: code, Message: msg})
}

func oneLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			return s[:i]
		}
	}
	return s
}

// Limits of the endpoint's connections. A request is a few hundred bytes
// from a client on this machine: one that has not sent its headers within
// HeaderTimeout, or sits idle for IdleTimeout, is closed, and at most
// MaxConns are open at once.
const (
	HeaderTimeout = 5 * time.Second
	IdleTimeout   = 30 * time.Second
	MaxConns      = 128
	maxHeader     = 16 << 10
)

// Serve answers on ln until ctx ends, then shuts down, giving requests in
// flight a moment to finish. Connections are limited (MaxConns, the
// timeouts above): clients without the token that open thousands of
// connections and send nothing cannot keep one with the token out.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	lim := newLimiter(ln, MaxConns)
	srv := &http.Server{
		Handler: s, ReadHeaderTimeout: HeaderTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: maxHeader,
		ConnState: lim.track,
	}
	ln = lim
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
