package sso_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssso "github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"

	"github.com/samlgo/samlgo/sso"
)

// crowdPortal is an access portal of many accounts that lists one item a
// page and counts the calls in flight. Until ParallelCalls of them are in
// flight together, every call waits (the gate), so a caller that is not
// parallel, or less parallel than the bound, never gets an answer: the
// test fails on its deadline instead of passing by luck of scheduling.
type crowdPortal struct {
	t        *testing.T
	accounts []string            // in the order ListAccounts lists them
	roles    map[string][]string // account → roles, in listing order
	// failAccount's first call answers ResourceNotFoundException.
	failAccount string
	// hold keeps every call but failAccount's waiting until its ctx ends.
	hold bool
	// atBound is called once, when ParallelCalls calls are first in flight.
	atBound func()

	mu                 sync.Mutex
	inFlight, highest  int
	listAccounts       int
	started, cancelled int
	failed             bool
	gate               chan struct{}
}

func newCrowd(t *testing.T, n int) *crowdPortal {
	p := &crowdPortal{t: t, roles: map[string][]string{}, gate: make(chan struct{})}
	for i := range n {
		// Listed out of id order, so the sort has work to do.
		id := fmt.Sprintf("%012d", (i*7919)%n+100000000000)
		p.accounts = append(p.accounts, id)
		p.roles[id] = []string{"ReadOnly", "AdministratorAccess", "Billing-" + strconv.Itoa(i%5)}
	}
	return p
}

// enter counts a portal call in, waits at the gate, and returns the
// function that counts it out.
func (p *crowdPortal) enter(ctx context.Context, account string) (func(), error) {
	p.mu.Lock()
	p.inFlight++
	p.started++
	p.highest = max(p.highest, p.inFlight)
	if p.inFlight > sso.ParallelCalls {
		p.t.Errorf("%d portal calls in flight, bound %d", p.inFlight, sso.ParallelCalls)
	}
	if p.inFlight == sso.ParallelCalls && p.gate != nil {
		close(p.gate)
		p.gate = nil
		if p.atBound != nil {
			p.atBound()
		}
	}
	gate := p.gate
	p.mu.Unlock()
	leave := func() {
		p.mu.Lock()
		p.inFlight--
		p.mu.Unlock()
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			p.cancel()
			return leave, ctx.Err()
		}
	}
	p.mu.Lock()
	fail := account != "" && account == p.failAccount && !p.failed
	p.failed = p.failed || fail
	p.mu.Unlock()
	if fail {
		return leave, &ssotypes.ResourceNotFoundException{Message: aws.String("no access to " + account)}
	}
	if p.hold {
		<-ctx.Done()
		p.cancel()
		return leave, ctx.Err()
	}
	return leave, nil
}

func (p *crowdPortal) cancel() {
	p.mu.Lock()
	p.cancelled++
	p.mu.Unlock()
}

// page returns items[lo:lo+1] of a list and the next token.
func page(items []string, next *string) ([]string, *string) {
	lo, _ := strconv.Atoi(aws.ToString(next))
	if lo+1 < len(items) {
		return items[lo : lo+1], aws.String(strconv.Itoa(lo + 1))
	}
	return items[lo:], nil
}

func (p *crowdPortal) ListAccounts(_ context.Context, in *awssso.ListAccountsInput, _ ...func(*awssso.Options)) (*awssso.ListAccountsOutput, error) {
	p.mu.Lock()
	p.listAccounts++
	p.mu.Unlock()
	ids, next := page(p.accounts, in.NextToken)
	out := &awssso.ListAccountsOutput{NextToken: next}
	for _, id := range ids {
		out.AccountList = append(out.AccountList, ssotypes.AccountInfo{AccountId: aws.String(id), AccountName: aws.String("name-" + id)})
	}
	return out, nil
}

func (p *crowdPortal) ListAccountRoles(ctx context.Context, in *awssso.ListAccountRolesInput, _ ...func(*awssso.Options)) (*awssso.ListAccountRolesOutput, error) {
	leave, err := p.enter(ctx, aws.ToString(in.AccountId))
	defer leave()
	if err != nil {
		return nil, err
	}
	roles, next := page(p.roles[aws.ToString(in.AccountId)], in.NextToken)
	out := &awssso.ListAccountRolesOutput{NextToken: next}
	for _, r := range roles {
		out.RoleList = append(out.RoleList, ssotypes.RoleInfo{RoleName: aws.String(r), AccountId: in.AccountId})
	}
	return out, nil
}

func (p *crowdPortal) GetRoleCredentials(ctx context.Context, in *awssso.GetRoleCredentialsInput, _ ...func(*awssso.Options)) (*awssso.GetRoleCredentialsOutput, error) {
	leave, err := p.enter(ctx, aws.ToString(in.AccountId))
	defer leave()
	if err != nil {
		return nil, err
	}
	// The key says whose credentials these are.
	key := "ASIA" + aws.ToString(in.AccountId) + strings.ToUpper(strings.NewReplacer("-", "").Replace(aws.ToString(in.RoleName)))
	return &awssso.GetRoleCredentialsOutput{RoleCredentials: &ssotypes.RoleCredentials{
		AccessKeyId: aws.String(key), SecretAccessKey: aws.String(strings.Repeat("s", 40)), SessionToken: aws.String("IQoJb3JpZ2luX2Vj" + strings.Repeat("t", 100)),
		Expiration: time.Now().Add(time.Hour).UnixMilli(),
	}}, nil
}

// sequentialAssignments is what Assignments answered when it called the
// portal one account after another: the reference for the order.
func sequentialAssignments(p *crowdPortal) []sso.Assignment {
	var out []sso.Assignment
	for _, id := range p.accounts {
		for _, r := range p.roles[id] {
			out = append(out, sso.Assignment{AccountID: id, AccountName: "name-" + id, RoleName: r})
		}
	}
	slices.SortFunc(out, func(a, b sso.Assignment) int {
		return strings.Compare(a.AccountID+"\x00"+a.RoleName, b.AccountID+"\x00"+b.RoleName)
	})
	return out
}

// testCtx ends before the test binary's timeout, so a caller stuck at
// crowdPortal's gate fails with a message instead of a panic.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// check fails the test unless the calls reached the bound, and all have
// returned.
func (p *crowdPortal) check() {
	p.t.Helper()
	if p.highest < sso.ParallelCalls {
		p.t.Fatalf("the calls never reached %d in flight (highest %d): not parallel up to the bound", sso.ParallelCalls, p.highest)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inFlight != 0 {
		p.t.Errorf("%d calls still in flight after the return", p.inFlight)
	}
}

func TestAssignmentsParallelSameOrder(t *testing.T) {
	t.Parallel()
	p := newCrowd(t, 150)
	ctx := testCtx(t)
	got, err := sso.Assignments(ctx, p, "tok")
	p.check()
	if err != nil {
		t.Fatal(err)
	}
	if want := sequentialAssignments(p); !slices.Equal(got, want) {
		t.Fatalf("got %d assignments, want the %d of the sequential walk in its order; first %v vs %v", len(got), len(want), got[:min(3, len(got))], want[:3])
	}
	if p.highest != sso.ParallelCalls {
		t.Errorf("highest in flight %d, want the bound %d", p.highest, sso.ParallelCalls)
	}
	if p.started != 150*3 || p.listAccounts != 150 {
		t.Errorf("%d ListAccountRoles and %d ListAccounts calls, want every page: 450 and 150", p.started, p.listAccounts)
	}
}

func TestAllRoleCredentialsParallelInOrder(t *testing.T) {
	t.Parallel()
	p := newCrowd(t, 60)
	as := sequentialAssignments(p)
	ctx := testCtx(t)
	cs, err := sso.AllRoleCredentials(ctx, p, time.Now(), "tok", as)
	p.check()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(as) {
		t.Fatalf("%d credentials for %d roles", len(cs), len(as))
	}
	for i, a := range as {
		if want := "ASIA" + a.AccountID + strings.ToUpper(strings.ReplaceAll(a.RoleName, "-", "")); cs[i].AccessKeyID != want {
			t.Fatalf("credentials %d are %s's, want %s's", i, cs[i].AccessKeyID, want)
		}
	}
	if p.highest != sso.ParallelCalls || p.started != len(as) {
		t.Errorf("highest in flight %d (want %d), %d calls (want %d)", p.highest, sso.ParallelCalls, p.started, len(as))
	}
}

// TestParallelFirstErrorStops: one account's failure is the error, not
// the cancellations it causes, and the calls still waiting are cancelled
// and no more start.
func TestParallelFirstErrorStops(t *testing.T) {
	t.Parallel()
	for _, op := range []string{"Assignments", "AllRoleCredentials"} {
		t.Run(op, func(t *testing.T) {
			p := newCrowd(t, 200)
			as := sequentialAssignments(p)
			// Among the first calls, so it is in flight with the held ones.
			p.failAccount, p.hold = p.accounts[3], true
			if op == "AllRoleCredentials" {
				p.failAccount = as[4].AccountID
			}
			ctx := testCtx(t)
			var err error
			if op == "Assignments" {
				_, err = sso.Assignments(ctx, p, "tok")
			} else {
				_, err = sso.AllRoleCredentials(ctx, p, time.Now(), "tok", as)
			}
			p.check()
			var fe *ssotypes.ResourceNotFoundException
			if !errors.As(err, &fe) || errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), p.failAccount) {
				t.Fatalf("error %v, want the ResourceNotFoundException for %s", err, p.failAccount)
			}
			// The held calls ended by cancellation; nothing started after
			// (a slot frees only when a call returns).
			if p.cancelled != p.started-1 || p.started != sso.ParallelCalls {
				t.Errorf("%d calls started, %d cancelled: want the failure to cancel the rest and start no more", p.started, p.cancelled)
			}
			if op == "Assignments" && p.listAccounts > sso.ParallelCalls+1 {
				t.Errorf("ListAccounts paged on after the failure (%d pages)", p.listAccounts)
			}
		})
	}
}

// TestParallelCancelled: Ctrl-C while calls are in flight returns
// context.Canceled as soon as they return, and starts no more.
func TestParallelCancelled(t *testing.T) {
	t.Parallel()
	for _, op := range []string{"Assignments", "AllRoleCredentials"} {
		t.Run(op, func(t *testing.T) {
			p := newCrowd(t, 200)
			p.hold = true
			ctx, cancel := context.WithCancel(testCtx(t))
			p.atBound = cancel
			var err error
			if op == "Assignments" {
				_, err = sso.Assignments(ctx, p, "tok")
			} else {
				_, err = sso.AllRoleCredentials(ctx, p, time.Now(), "tok", sequentialAssignments(p))
			}
			p.check()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if p.cancelled != p.started || p.started != sso.ParallelCalls {
				t.Errorf("%d calls started, %d cancelled", p.started, p.cancelled)
			}
		})
	}
}
