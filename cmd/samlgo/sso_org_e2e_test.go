//go:build unix

package main

// The everyday commands at the scale of an organisation: sso roles and
// sso creds --all over 500 accounts of 3 roles each on the emulator, next
// to the AWS CLI loop people write for the same job, and Ctrl-C while
// their calls are in flight.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/ssoemu"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sso"
)

const (
	// orgAccounts is the organisation's size; each account has 3 roles.
	orgAccounts = 500
	// orgLatency is what the emulator waits before each portal answer, a
	// round trip to a portal in a nearby region: on 127.0.0.1 a call takes
	// a fraction of a millisecond, which would hide what calling one
	// account after another costs.
	orgLatency = 20 * time.Millisecond
	// orgPageSize is the accounts or roles one list page holds (AWS does
	// not document its default; the emulator's own default of 1 would
	// turn ListAccounts alone into 500 sequential round trips).
	orgPageSize = 20
	// awsCLISubset is the accounts the AWS CLI loop walks in one op: at
	// about half a second per aws process on a small machine, all 500
	// (2,001 processes) would take a quarter of an hour. Its op time is
	// reported as measured, and scaled to orgAccounts as s/org.
	awsCLISubset = 10
)

// ssoOrgWorld is a world whose portal is the organisation, answering
// after latency (only the operations slowOps, when given), with a cached
// token for the session my-sso, which it returns.
func ssoOrgWorld(b testing.TB, latency time.Duration, slowOps ...string) (*world, *ssoemu.Emulator, string) {
	b.Helper()
	w := newWorld(b)
	e := ssoemu.New()
	for i := range orgAccounts {
		e.Accounts = append(e.Accounts, ssoemu.Account{ID: fmt.Sprintf("%012d", 100000000000+i), Name: fmt.Sprintf("acct%03d", i),
			Roles: []string{"AdministratorAccess", "ReadOnly", "Billing"}})
	}
	e.PageSize, e.Latency, e.LatencyOps, e.AutoApprove = orgPageSize, latency, slowOps, true
	if err := e.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(e.Close)
	w.extra = append(w.extra, "AWS_ENDPOINT_URL_SSO_OIDC="+e.URL, "AWS_ENDPOINT_URL_SSO="+e.URL)
	if r := w.run("", "sso", "login", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--session", "my-sso", "--write-config", "--use-device-code", "--no-browser"); r.code != 0 {
		b.Fatalf("login: %+v", r)
	}
	tok, err := w.cache().LoadToken(ssoSession)
	if err != nil || tok == nil {
		b.Fatalf("cached token: %v", err)
	}
	return w, e, tok.AccessToken
}

// benchSSOOrg runs samlgo with args as one op, and reports the most
// portal calls the emulator answered at once.
func benchSSOOrg(b *testing.B, args ...string) {
	w, e, _ := ssoOrgWorld(b, orgLatency)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(samlgoBin, args...)
		cmd.Env = w.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("samlgo: %v\n%.2000s", err, out)
		}
	}
	b.ReportMetric(float64(e.MaxInFlight()), "max-in-flight")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/org")
}

// BenchmarkSSORolesOrg is `samlgo sso roles` over the organisation:
// ListAccounts (25 pages) and ListAccountRoles for 500 accounts.
func BenchmarkSSORolesOrg(b *testing.B) {
	benchSSOOrg(b, "sso", "roles", "--session", "my-sso", "--output", "json")
}

// BenchmarkSSOCredsAllOrg is `samlgo sso creds --all` over the
// organisation: BenchmarkSSORolesOrg's calls, GetRoleCredentials for
// 1,500 roles, and 1,500 profiles written to the credentials file.
func BenchmarkSSOCredsAllOrg(b *testing.B) {
	benchSSOOrg(b, "sso", "creds", "--session", "my-sso", "--all")
}

// BenchmarkAWSCLISSOOrgLoop is what sso roles and sso creds --all replace
// with the AWS CLI v2 alone: aws sso list-accounts (every page), then for
// each account aws sso list-account-roles and, for each role, aws sso
// get-role-credentials, on the same emulator with the same token (in argv,
// as the AWS CLI requires). It walks awsCLISubset accounts per op and
// reports s/org, list-accounts plus the per-account time times
// orgAccounts. It writes no files: the recipes that do add an aws
// configure set per key, so this is the AWS CLI's lower bound.
func BenchmarkAWSCLISSOOrgLoop(b *testing.B) {
	aws := awsCLI(b)
	w, e, tok := ssoOrgWorld(b, orgLatency)
	awsRun := func(out any, args ...string) {
		cmd := exec.Command(aws, append(args, "--endpoint-url", e.URL, "--region", "eu-west-1", "--access-token", tok, "--output", "json")...)
		cmd.Env = []string{"HOME=" + w.home, "PATH=/usr/bin:/bin", "AWS_CONFIG_FILE=" + w.config, "AWS_SHARED_CREDENTIALS_FILE=" + w.creds}
		stdout, err := cmd.Output()
		if err == nil {
			err = json.Unmarshal(stdout, out)
		}
		if err != nil {
			b.Fatalf("aws %v: %v", args[:2], err)
		}
	}
	var listing, perAccount time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		var accounts struct{ AccountList []struct{ AccountID string } }
		awsRun(&accounts, "sso", "list-accounts")
		if len(accounts.AccountList) != orgAccounts {
			b.Fatalf("list-accounts listed %d accounts", len(accounts.AccountList))
		}
		listing += time.Since(start)
		start = time.Now()
		for _, a := range accounts.AccountList[:awsCLISubset] {
			var roles struct{ RoleList []struct{ RoleName string } }
			awsRun(&roles, "sso", "list-account-roles", "--account-id", a.AccountID)
			for _, r := range roles.RoleList {
				var c struct{ RoleCredentials struct{ AccessKeyID string } }
				awsRun(&c, "sso", "get-role-credentials", "--account-id", a.AccountID, "--role-name", r.RoleName)
				if c.RoleCredentials.AccessKeyID == "" {
					b.Fatal("get-role-credentials answered no key")
				}
			}
		}
		perAccount += time.Since(start) / awsCLISubset
	}
	n := float64(b.N)
	b.ReportMetric((listing.Seconds()+perAccount.Seconds()*orgAccounts)/n, "s/org")
	b.ReportMetric(float64(e.MaxInFlight()), "max-in-flight")
}

// TestSSOOrgCtrlC: Ctrl-C while sso roles and sso creds --all have their
// portal calls in flight ends them with exit 130 and writes nothing. The
// portal takes an hour to answer ListAccountRoles, so only the
// cancellation can end them.
func TestSSOOrgCtrlC(t *testing.T) {
	for _, args := range [][]string{
		{"sso", "roles", "--session", "my-sso"},
		{"sso", "creds", "--session", "my-sso", "--all"},
	} {
		t.Run(args[1], func(t *testing.T) {
			w, e, _ := ssoOrgWorld(t, time.Hour, "ListAccountRoles")
			cmd := exec.Command(samlgoBin, args...)
			cmd.Env = w.env()
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			// The bound, and no more once ListAccounts waits for a slot.
			if !testenv.Eventually(30*time.Second, 10*time.Millisecond, func() bool { return e.MaxInFlight() >= sso.ParallelCalls }) {
				t.Fatalf("%d portal calls in flight, want %d; stderr %s", e.MaxInFlight(), sso.ParallelCalls, stderr.String())
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			if code := exitCode(t, cmd); code != 130 || strings.Contains(stderr.String(), "hint:") {
				t.Errorf("exit %d after Ctrl-C; stderr %s", code, stderr.String())
			}
			if _, err := os.Stat(w.creds); !os.IsNotExist(err) {
				t.Errorf("a cancelled run wrote %s (%v)", filepath.Base(w.creds), err)
			}
		})
	}
}
