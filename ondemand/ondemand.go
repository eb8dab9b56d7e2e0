// Package ondemand serves credentials from the private cache and, when
// they run out, has one process at a time refresh them for every caller.
package ondemand

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/samlgo/samlgo/credcache"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/filelock"
	"github.com/samlgo/samlgo/private"
)

// Provider gives out one account and role's credentials. However many
// goroutines and processes ask at once, one of them refreshes and the
// others wait for its result.
type Provider struct {
	Entry credcache.Entry
	Now   func() time.Time
	// Refresh gets new credentials (a headless sign-in, then STS).
	Refresh func(ctx context.Context) (creds.Credentials, error)
	// Waiting is told, at most once per call, that another process is
	// refreshing; nil says nothing.
	Waiting func()

	mu sync.Mutex // one refresh per process; the flock does it across processes
}

// Document returns a credential_process document valid for more than
// credcache.RefreshBefore: the cached one, or one refreshed under the lock.
// A caller that gives up (ctx ends) while it waits leaves no lock behind:
// the lock is a flock, released by the kernel with the process.
func (p *Provider) Document(ctx context.Context) ([]byte, error) {
	if doc, ok := p.Entry.Fresh(p.Now()); ok {
		return doc, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := private.MkdirAll(filepath.Dir(p.Entry.Path)); err != nil {
		return nil, fmt.Errorf("creating the credential cache: %w", err)
	}
	unlock, err := filelock.Lock(ctx, p.Entry.LockPath(), p.Waiting)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("locking the credential cache: %w", err)
	}
	defer unlock()
	// Whoever held the lock before may have refreshed already.
	if doc, ok := p.Entry.Fresh(p.Now()); ok {
		return doc, nil
	}
	c, err := p.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.ValidateAt(p.Now(), creds.MaxAhead); err != nil {
		return nil, err
	}
	doc := c.JSON()
	if err := p.Entry.Store(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// Credentials is Document as values, for the container endpoint.
func (p *Provider) Credentials(ctx context.Context) (creds.Credentials, error) {
	doc, err := p.Document(ctx)
	if err != nil {
		return creds.Credentials{}, err
	}
	return Parse(doc)
}

// Parse reads a credential_process Version 1 document.
func Parse(doc []byte) (creds.Credentials, error) {
	var d creds.ProcessOutput
	if err := json.Unmarshal(doc, &d); err != nil {
		return creds.Credentials{}, fmt.Errorf("reading a credential_process document: %w", err)
	}
	if d.Version != 1 {
		return creds.Credentials{}, errors.New("reading a credential_process document: not Version 1")
	}
	c := creds.Credentials{AccessKeyID: d.AccessKeyID, SecretAccessKey: d.SecretAccessKey, SessionToken: d.SessionToken}
	if d.Expiration != "" {
		t, err := time.Parse(time.RFC3339, d.Expiration)
		if err != nil {
			return creds.Credentials{}, fmt.Errorf("reading a credential_process document: Expiration: %w", err)
		}
		c.Expiration = t
	}
	return c, c.Validate()
}
