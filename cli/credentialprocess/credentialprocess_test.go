package credentialprocess

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/credcache"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
)

type env struct {
	t       *testing.T
	cache   string
	signIns atomic.Int32
	result  func(n int32) (creds.Credentials, error)
}

// testConfigKey stands for the config in effect in the cache key.
const testConfigKey = "/test/config.toml\x00digest"

func newEnv(t *testing.T) *env {
	return &env{t: t, cache: t.TempDir(), result: func(n int32) (creds.Credentials, error) {
		return fakests.Credentials("ASIASIGNIN000000000"+string(rune('0'+n)), time.Now().Add(time.Hour)), nil
	}}
}

func (e *env) options(account, role string) (*Options, *strings.Builder) {
	ios, _, _, _ := iostreams.Test()
	o := &Options{IO: ios, Now: time.Now, Log: cmdutil.Discard(), Account: account, Role: role,
		Config: func() (*config.Config, error) {
			return &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{"corp": {URL: "https://idp.example/sso"}}}, nil
		},
		CacheDir:  func() (string, error) { return e.cache, nil },
		ConfigKey: func() string { return testConfigKey },
		SignIn: func(_ context.Context, _ *config.Config, _ config.Account, acctName, r string) (creds.Credentials, error) {
			if acctName != "corp" || r != role {
				e.t.Errorf("sign-in for %s/%s", acctName, r)
			}
			return e.result(e.signIns.Add(1))
		},
	}
	return o, nil
}

func run(t *testing.T, o *Options) (string, error) {
	t.Helper()
	err := credentialProcessRun(context.Background(), o)
	return o.IO.Out.(interface{ String() string }).String(), err
}

func TestCachedUntilFiveMinutesBeforeExpiry(t *testing.T) {
	e := newEnv(t)
	o, _ := e.options("corp", "Admin")
	first, err := run(t, o)
	if err != nil || !strings.HasPrefix(first, `{"Version":1,"AccessKeyId":"ASIASIGNIN0000000001"`) {
		t.Fatalf("first call = %q, %v", first, err)
	}
	o, _ = e.options("corp", "Admin")
	if second, err := run(t, o); err != nil || second != first || e.signIns.Load() != 1 {
		t.Fatalf("second call = %q, %v after %d sign-ins", second, err, e.signIns.Load())
	}
	entry := credcache.For(credcache.Dir(e.cache), testConfigKey, "corp", "Admin")
	testenv.Mode(t, entry.Path, 0o600)
	testenv.Mode(t, filepath.Dir(entry.Path), 0o700)
	// Four minutes left is not enough: refreshed.
	o, _ = e.options("corp", "Admin")
	o.Now = func() time.Time { return time.Now().Add(56 * time.Minute) }
	if third, err := run(t, o); err != nil || third == first || e.signIns.Load() != 2 {
		t.Fatalf("near expiry = %q, %v after %d sign-ins", third, err, e.signIns.Load())
	}
}

// TestConcurrentCallersShareOneSignIn: goroutines here, processes in the
// end-to-end test: one refresh, the same document for everyone.
func TestConcurrentCallersShareOneSignIn(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	inner := e.result
	e.result = func(n int32) (creds.Credentials, error) { <-release; return inner(n) }
	var wg sync.WaitGroup
	outs := make([]string, 10)
	for i := range outs {
		wg.Go(func() {
			o, _ := e.options("corp", "Admin")
			out, err := run(t, o)
			if err != nil {
				t.Error(err)
			}
			outs[i] = out
		})
	}
	close(release)
	wg.Wait()
	if e.signIns.Load() != 1 {
		t.Errorf("%d sign-ins, want 1", e.signIns.Load())
	}
	for _, out := range outs {
		if out != outs[0] || out == "" {
			t.Errorf("callers got different documents: %q vs %q", out, outs[0])
		}
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	o, _ := e.options("corp", "")
	if _, err := run(t, o); !strings.Contains(err.Error(), "--role is required") {
		t.Errorf("no role: %v", err)
	}
	o, _ = e.options("nope", "Admin")
	if _, err := run(t, o); err == nil || !strings.Contains(err.Error(), `account "nope" is not configured`) {
		t.Errorf("unknown account: %v", err)
	}
	// A sign-in that needs a person says which login to run.
	e.result = func(int32) (creds.Credentials, error) {
		return creds.Credentials{}, &browser.StallError{Reason: "the IdP asks for a one-time code and there is no terminal to ask on"}
	}
	o, _ = e.options("corp", "Admin")
	out, err := run(t, o)
	code, hints := cmdutil.Classify(err)
	if out != "" || code != cmdutil.ExitFailure || !strings.Contains(strings.Join(hints, "\n"), "run: samlgo login --account corp") {
		t.Errorf("stall = %q, %v, hints %q", out, err, hints)
	}
	// Credentials an endpoint garbled are never cached nor printed.
	e.result = func(int32) (creds.Credentials, error) {
		c := fakests.Credentials("ASIAGARBLED000000001", time.Now().Add(time.Hour))
		c.SessionToken = "tok\n[default]"
		return c, nil
	}
	o, _ = e.options("corp", "Admin")
	if out, err := run(t, o); out != "" || !errors.Is(err, creds.ErrMalformed) {
		t.Errorf("garbled = %q, %v", out, err)
	}
	if _, ok := credcache.For(credcache.Dir(e.cache), testConfigKey, "corp", "Admin").Fresh(time.Now()); ok {
		t.Errorf("garbled credentials were cached")
	}
}

func TestFlagWiring(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := NewCmdCredentialProcess(&cmdutil.Factory{IOStreams: ios, Now: time.Now, Log: cmdutil.Discard()}, func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--account", "a", "--role", "r"})
	if err := cmd.Execute(); err != nil || got.Account != "a" || got.Role != "r" || got.SignIn == nil || got.Config == nil {
		t.Errorf("options = %+v, %v", got, err)
	}
}
