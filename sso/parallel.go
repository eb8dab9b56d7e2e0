package sso

import (
	"context"
	"sync"
)

// ParallelCalls bounds the per-account access portal calls one command
// has in flight at once: ListAccountRoles for the accounts of Assignments
// (beside which the next ListAccounts page is fetched, so nine calls in
// all), GetRoleCredentials for AllRoleCredentials. Eight stays within the ten
// kept-alive connections per host of the SDK's HTTP client
// (DefaultHTTPTransportMaxIdleConnsPerHost), so no call opens a fresh TLS
// connection, and is modest next to the portal's request rate. A call the
// portal throttles anyway (TooManyRequestsException, 429) is retried with
// backoff by the SDK's standard retryer: the clients of NewClients leave
// Options.Retryer unset, so the SDK installs it (retry mode and attempts
// from AWS_RETRY_MODE, AWS_MAX_ATTEMPTS or the profile, as for the AWS CLI).
const ParallelCalls = 8

// group runs portal calls ParallelCalls at a time. The first job that
// fails cancels the context of the others, no job starts after it, and
// Wait returns its error, not the cancellations it caused.
type group struct {
	ctx    context.Context
	cancel context.CancelFunc
	sem    chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context) *group {
	ctx, cancel := context.WithCancel(ctx)
	return &group{ctx: ctx, cancel: cancel, sem: make(chan struct{}, ParallelCalls)}
}

// Go waits for a free slot and starts job with the group's context; false
// when the group has stopped (a job failed or ctx is done) and job was not
// started.
func (g *group) Go(job func(ctx context.Context) error) bool {
	select {
	case g.sem <- struct{}{}:
	case <-g.ctx.Done():
		return false
	}
	if g.ctx.Err() != nil {
		<-g.sem
		return false
	}
	g.wg.Go(func() {
		defer func() { <-g.sem }()
		if err := job(g.ctx); err != nil {
			g.fail(err)
		}
	})
	return true
}

// fail stops the group with err unless it has stopped with an earlier one.
func (g *group) fail(err error) {
	g.once.Do(func() {
		g.err = err
		g.cancel()
	})
}

// Wait waits for the started jobs and returns the first error, else the
// parent context's if it ended (then some jobs may not have run). The
// group is done after it.
func (g *group) Wait() error {
	g.wg.Wait()
	g.fail(g.ctx.Err()) // nil when all went well; releases the context either way
	return g.err
}
