//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// tmuxSession runs a shell command in a detached tmux session on a real
// terminal and returns a function that sends keys.
func tmuxSession(t *testing.T, w *world, script string) (send func(keys ...string), screen func() string) {
	t.Helper()
	bin := testenv.Need(t, "tmux", ".ci/run installs Debian's tmux")
	name := fmt.Sprintf("samlgo-%d", time.Now().UnixNano())
	// A socket of its own per session (short path: sockets have a length
	// limit): a server killed by an earlier test may still hold a shared one.
	sockDir, err := os.MkdirTemp("", "tm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	sock := filepath.Join(sockDir, "s")
	tm := func(args ...string) *exec.Cmd { return exec.Command(bin, append([]string{"-S", sock}, args...)...) }
	var env []string
	for _, kv := range w.env() {
		env = append(env, "export "+shQuoteTest(kv)+";")
	}
	full := strings.Join(env, " ") + " " + script
	if out, err := tm("new-session", "-d", "-s", name, "-x", "120", "-y", "30", "bash", "-c", full).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() { _ = tm("kill-server").Run() })
	send = func(keys ...string) {
		if out, err := tm(append([]string{"send-keys", "-t", name}, keys...)...).CombinedOutput(); err != nil {
			t.Fatalf("send-keys: %v %s", err, out)
		}
	}
	screen = func() string {
		out, _ := tm("capture-pane", "-t", name, "-p").Output()
		return string(out)
	}
	return send, screen
}

func shQuoteTest(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// waitFor polls for a file or screen text, bounded in time.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func TestPickerOnTerminal(t *testing.T) {
	w := newWorld(t)
	w.write(".config/samlgo/config.toml", "[accounts.corp]\n[accounts.corp.aliases]\n\""+acctB+"\" = \"dev\"\n")
	f := w.samlFile(pair(adminA, provA), pair(readA, provA), pair(deployB, provB))
	out := filepath.Join(w.home, "out.json")
	code := filepath.Join(w.home, "code")
	script := fmt.Sprintf("%s login --account corp --saml-file %s --format json > %s; echo $? > %s; sleep 60", samlgoBin, f, out, code)

	t.Run("choose", func(t *testing.T) {
		send, screen := tmuxSession(t, w, script)
		waitFor(t, "the picker", func() bool { return strings.Contains(screen(), "Choose an AWS role") })
		s := screen()
		// Grouped by account: the aliased account first, with its alias.
		if !strings.Contains(s, "dev ("+acctB+")  team/Deployer") || strings.Index(s, "team/Deployer") > strings.Index(s, "ReadOnly") {
			t.Errorf("picker screen:\n%s", s)
		}
		send("Down")
		send("Down")
		send("Enter")
		waitFor(t, "exit code", func() bool { b, _ := os.ReadFile(code); return len(b) > 0 })
		if b, _ := os.ReadFile(code); strings.TrimSpace(string(b)) != "0" {
			t.Fatalf("exit %s\n%s", b, screen())
		}
		var doc struct{ AccessKeyId string }
		b, _ := os.ReadFile(out)
		if err := json.Unmarshal(b, &doc); err != nil || doc.AccessKeyId == "" {
			t.Fatalf("stdout %q: %v", b, err)
		}
		calls := w.emu.Calls()
		if len(calls) != 1 || calls[0].RoleARN != readA {
			t.Errorf("chose %+v, want %s (third in account order)", calls, readA)
		}
		if strings.Contains(string(b), "Choose") {
			t.Errorf("the picker drew on stdout")
		}
	})
	// The role chosen above is preselected for the account next time.
	t.Run("last role preselected", func(t *testing.T) {
		os.Remove(code)
		send, screen := tmuxSession(t, w, script)
		waitFor(t, "the picker", func() bool { return strings.Contains(screen(), "Choose an AWS role (3 of 3)") })
		if !regexp.MustCompile(`(?m)^> ` + acctA + ` +ReadOnly$`).MatchString(screen()) {
			t.Errorf("not preselected:\n%s", screen())
		}
		send("Enter")
		waitFor(t, "exit code", func() bool { b, _ := os.ReadFile(code); return len(b) > 0 })
		if calls := w.emu.Calls(); len(calls) != 2 || calls[1].RoleARN != readA {
			t.Errorf("chose %+v, want %s again", calls, readA)
		}
	})
	t.Run("words in any order", func(t *testing.T) {
		os.Remove(code)
		send, screen := tmuxSession(t, w, script)
		waitFor(t, "the picker", func() bool { return strings.Contains(screen(), "Choose an AWS role") })
		send("-l", "deploy dev")
		waitFor(t, "the filter", func() bool { return strings.Contains(screen(), "(1 of 3)") })
		send("Enter")
		waitFor(t, "exit code", func() bool { b, _ := os.ReadFile(code); return len(b) > 0 })
		if calls := w.emu.Calls(); len(calls) != 3 || calls[2].RoleARN != deployB {
			t.Errorf("chose %+v, want %s", calls, deployB)
		}
	})
	for _, key := range []string{"Escape", "q"} {
		t.Run(key+" cancels", func(t *testing.T) {
			os.Remove(code)
			send, screen := tmuxSession(t, w, script)
			waitFor(t, "the picker", func() bool { return strings.Contains(screen(), "Choose an AWS role") })
			send(key)
			waitFor(t, "exit code", func() bool { b, _ := os.ReadFile(code); return len(b) > 0 })
			if b, _ := os.ReadFile(code); strings.TrimSpace(string(b)) != "130" {
				t.Errorf("exit %s, want 130\n%s", b, screen())
			}
		})
	}
	t.Run("ctrl-c cancels", func(t *testing.T) {
		os.Remove(code)
		send, screen := tmuxSession(t, w, script)
		waitFor(t, "the picker", func() bool { return strings.Contains(screen(), "Choose an AWS role") })
		send("C-c")
		waitFor(t, "exit code", func() bool { b, _ := os.ReadFile(code); return len(b) > 0 })
		if b, _ := os.ReadFile(code); strings.TrimSpace(string(b)) != "130" {
			t.Errorf("exit %s, want 130\n%s", b, screen())
		}
		if !strings.Contains(screen(), "samlgo: cancelled") {
			t.Errorf("screen:\n%s", screen())
		}
	})
}

// TestNumberedPickerOnDumbTerminal drives the numbered list that TERM=dumb
// gets. Before, Ctrl-C was ignored there, Ctrl-D chose role 1 and wrote it
// with exit 0, and "9", Enter, Ctrl-D panicked inside huh (issue 14).
func TestNumberedPickerOnDumbTerminal(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA), pair(readA, provA))
	code := filepath.Join(w.home, "code")
	script := fmt.Sprintf("export TERM=dumb; %s login --saml-file %s; echo $? > %s; sleep 60", samlgoBin, f, code)
	exitCode := func(screen func() string) string {
		waitFor(t, "exit code", func() bool { b, _ := os.ReadFile(code); return len(b) > 0 })
		b, _ := os.ReadFile(code)
		return strings.TrimSpace(string(b))
	}
	prompt := "Role number (1-2"

	t.Run("a wrong number, then a good one", func(t *testing.T) {
		os.Remove(code)
		send, screen := tmuxSession(t, w, script)
		waitFor(t, "the list", func() bool { return strings.Contains(screen(), prompt) })
		send("9", "Enter")
		waitFor(t, "asked again", func() bool { return strings.Contains(screen(), `"9" is not a number from 1 to 2`) })
		send("2", "Enter")
		if c := exitCode(screen); c != "0" {
			t.Fatalf("exit %s\n%s", c, screen())
		}
		if calls := w.emu.Calls(); len(calls) != 1 || calls[0].RoleARN != readA {
			t.Errorf("chose %+v, want %s", calls, readA)
		}
	})
	t.Run("ctrl-d chooses nothing", func(t *testing.T) {
		os.Remove(code)
		os.Remove(w.creds)
		send, screen := tmuxSession(t, w, script)
		waitFor(t, "the list", func() bool { return strings.Contains(screen(), prompt) })
		send("9", "Enter")
		send("C-d")
		if c := exitCode(screen); c == "0" {
			t.Fatalf("exit 0 after Ctrl-D\n%s", screen())
		}
		if _, err := os.Stat(w.creds); err == nil {
			t.Errorf("Ctrl-D wrote the credentials file")
		}
	})
	t.Run("ctrl-c cancels", func(t *testing.T) {
		os.Remove(code)
		send, screen := tmuxSession(t, w, script)
		waitFor(t, "the list", func() bool { return strings.Contains(screen(), prompt) })
		send("C-c")
		if c := exitCode(screen); c != "130" {
			t.Errorf("exit %s, want 130\n%s", c, screen())
		}
	})
}

// TestInitOnTerminal: samlgo init asks its questions on a real terminal,
// asks again for a wrong answer, and writes a config login can use.
func TestInitOnTerminal(t *testing.T) {
	w := newWorld(t)
	code := filepath.Join(w.home, "code")
	cfg := filepath.Join(w.home, ".config", "samlgo", "config.toml")
	send, screen := tmuxSession(t, w, fmt.Sprintf("%s init --no-check; echo $? > %s; sleep 60", samlgoBin, code))
	waitFor(t, "the URL question", func() bool { return strings.Contains(screen(), "IdP sign-on URL for AWS:") })
	send("-l", "adfs.example.com/sso")
	send("Enter")
	waitFor(t, "asked again", func() bool { return strings.Count(screen(), "IdP sign-on URL for AWS:") == 2 })
	send("-l", "https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx")
	send("Enter")
	waitFor(t, "the username question", func() bool { return strings.Contains(screen(), "IdP username") })
	send("-l", "alice@example.com")
	send("Enter")
	waitFor(t, "the profile question", func() bool { return strings.Contains(screen(), "profile to write [saml]:") })
	send("Enter")
	waitFor(t, "the region question", func() bool { return strings.Contains(screen(), "AWS region") })
	send("-l", "eu-west-1")
	send("Enter")
	waitFor(t, "exit code", func() bool { b, _ := os.ReadFile(code); return len(b) > 0 })
	if b, _ := os.ReadFile(code); strings.TrimSpace(string(b)) != "0" {
		t.Fatalf("exit %s\n%s", b, screen())
	}
	b, _ := os.ReadFile(cfg)
	for _, want := range []string{"default_account = 'example'", "[accounts.example]", "url = 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx'", "username = 'alice@example.com'", "region = 'eu-west-1'"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("config lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "profile =") {
		t.Errorf("an empty answer was written:\n%s", b)
	}
}
