package credserver

import (
	"net"
	"net/http"
	"sync"
)

// limiter is a listener that keeps at most max connections open. When a
// new one arrives at the limit, the oldest connection that is not serving
// a request (one that has sent nothing yet, or sits idle between
// requests) is closed to make room: a flood of silent connections then
// costs only itself, and a client that sends its request at once is
// answered. A connection serving a request is never closed.
type limiter struct {
	net.Listener
	max int

	mu    sync.Mutex
	conns map[net.Conn]*connEntry
	seq   uint64
}

type connEntry struct {
	seq    uint64 // order of arrival, or of the last return to idle
	active bool   // serving a request
}

func newLimiter(ln net.Listener, max int) *limiter {
	return &limiter{Listener: ln, max: max, conns: map[net.Conn]*connEntry{}}
}

// Accept implements net.Listener.
func (l *limiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.admit(c) {
			return c, nil
		}
		// Every open connection is serving a request: this one is
		// refused rather than queued.
		c.Close()
	}
}

// admit records c, closing the oldest connection that serves no request
// when the limit is reached; false when all of them serve one.
func (l *limiter) admit(c net.Conn) bool {
	var evict net.Conn
	l.mu.Lock()
	if len(l.conns) >= l.max {
		var oldest *connEntry
		for oc, e := range l.conns {
			if !e.active && (oldest == nil || e.seq < oldest.seq) {
				oldest, evict = e, oc
			}
		}
		if evict == nil {
			l.mu.Unlock()
			return false
		}
		delete(l.conns, evict)
	}
	l.seq++
	l.conns[c] = &connEntry{seq: l.seq}
	l.mu.Unlock()
	if evict != nil {
		evict.Close()
	}
	return true
}

// track is the http.Server's ConnState hook: it follows which connections
// serve a request and forgets closed ones.
func (l *limiter) track(c net.Conn, s http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.conns[c]
	if !ok {
		return
	}
	switch s {
	case http.StateActive:
		e.active = true
	case http.StateIdle:
		e.active = false
		l.seq++
		e.seq = l.seq
	case http.StateClosed, http.StateHijacked:
		delete(l.conns, c)
	}
}
