package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
)

func TestServeAnswersWithTokenAndStops(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	issued := fakests.Credentials("ASIASERVE00000000001", time.Now().Add(time.Hour))
	ready := make(chan [2]string, 1)
	calls := 0
	o := &Options{IO: ios, Now: time.Now, Log: cmdutil.Discard(), Account: "corp", Role: "Admin", Listen: "127.0.0.1:0",
		Source: func(context.Context, *Options) (func(context.Context) (creds.Credentials, error), error) {
			return func(context.Context) (creds.Credentials, error) { calls++; return issued, nil }, nil
		},
		Ready: func(url, token string) { ready <- [2]string{url, token} },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveRun(ctx, o) }()
	var ep [2]string
	select {
	case ep = <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	}
	if want := "export AWS_CONTAINER_CREDENTIALS_FULL_URI=" + ep[0] + "\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=" + ep[1] + "\n"; out.String() != want || len(ep[1]) != 64 || !strings.HasPrefix(ep[0], "http://127.0.0.1:") {
		t.Errorf("stdout = %q", out)
	}
	req, _ := http.NewRequest("GET", ep[0], nil)
	req.Header.Set("Authorization", ep[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if resp.StatusCode != 200 || doc["AccessKeyId"] != issued.AccessKeyID || doc["Token"] != issued.SessionToken || calls != 1 {
		t.Errorf("answer %d %v after %d calls", resp.StatusCode, doc, calls)
	}
	resp, err = http.Get(ep[0])
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("no token: %d", resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if code, _ := cmdutil.Classify(err); code != cmdutil.ExitCancelled {
			t.Fatalf("stopped with %v (exit %d), want 130", err, code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop with its context")
	}
}

// TestStoredProfileSource: serve --profile reads the profile through the
// one resolver and the one renewal rule (cmdutil.Renewing), and refuses
// credentials that end within 5 minutes.
func TestStoredProfileSource(t *testing.T) {
	home := t.TempDir()
	testenv.Home(t, home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "config"))
	path := filepath.Join(home, "credentials")
	good := fakests.Credentials("ASIASTORED0000000001", time.Now().Add(time.Hour))
	old := fakests.Credentials("ASIASTORED0000000002", time.Now().Add(2*time.Minute))
	for _, p := range []struct {
		name string
		c    creds.Credentials
	}{{"good", good}, {"old", old}} {
		if err := awsfiles.WriteCredentials(context.Background(), path, []awsfiles.Profile{{Name: p.name, Credentials: p.c}}); err != nil {
			t.Fatal(err)
		}
	}
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Now: time.Now, Log: cmdutil.Discard(), Getenv: func(string) string { return "" }}
	o := &Options{IO: ios, Now: time.Now, Log: cmdutil.Discard(), CredentialsFile: path, Profile: "good"}
	get, err := source(context.Background(), f, o)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := get(context.Background()); err != nil || c.AccessKeyID != good.AccessKeyID {
		t.Errorf("good = %v, %v", c, err)
	}
	o.Profile = "old"
	_, err = source(context.Background(), f, o)
	if _, hints := cmdutil.Classify(err); err == nil || len(hints) == 0 || !strings.Contains(hints[0], "log in again: samlgo login --profile old") {
		t.Errorf("old = %v %v", err, hints)
	}
}

func TestUsage(t *testing.T) {
	for name, o := range map[string]*Options{
		"nothing":        {},
		"both":           {Profile: "p", Account: "a", Role: "r"},
		"bad profile":    {Profile: "a b"},
		"address in use": {Profile: "p", Listen: "bad address"},
	} {
		t.Run(name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			o.IO, o.Now, o.Log = ios, time.Now, cmdutil.Discard()
			o.Source = func(context.Context, *Options) (func(context.Context) (creds.Credentials, error), error) {
				return func(context.Context) (creds.Credentials, error) { return creds.Credentials{}, nil }, nil
			}
			if code, _ := cmdutil.Classify(serveRun(context.Background(), o)); code != cmdutil.ExitUsage {
				t.Errorf("exit %d", code)
			}
		})
	}
}
