// Package kdc starts a throw-away MIT Kerberos realm for tests: Debian's
// krb5kdc on 127.0.0.1, with its database, configuration, keytabs and
// credential caches all in the test's temporary directory, so nothing
// needs root and nothing outside the test is read or changed.
package kdc

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// RealmName is the realm every test realm has. Realms of concurrent tests
// never meet: each has its own KDC, port and configuration.
const RealmName = "SAMLGO.TEST"

// install says how the KDC's programs are provided when one is missing.
const install = "make test and .ci/run install Debian's krb5-kdc, krb5-admin-server and krb5-user (scripts/test-deps.sh)"

// Realm is a running KDC and the files a Kerberos client needs to use it.
type Realm struct {
	// Dir holds everything of the realm: configuration, database, log,
	// keytabs and credential caches.
	Dir string
	// Config is the krb5.conf for clients (KRB5_CONFIG): the realm's KDC
	// on 127.0.0.1, no DNS look-ups, and host names taken as written, so
	// a service on http://localhost is HTTP/localhost@SAMLGO.TEST.
	Config string
	// Addr is the KDC's address, 127.0.0.1:port, on TCP and UDP.
	Addr string
	// ServiceKeytab is the keytab of the HTTP service principal, for the
	// server that accepts Negotiate tokens.
	ServiceKeytab string
	// Service is that principal, HTTP/host@SAMLGO.TEST.
	Service string

	kdcProfile string
	log        string
	programs   map[string]string
}

// Start creates a realm with an HTTP service principal for host (the host
// name a browser puts in the SPN: the one in the URL) and a principal for
// each user, starts krb5kdc in the foreground, and stops it when the test
// ends. Under testenv.Strict a missing MIT Kerberos program fails the
// test; elsewhere it skips it.
func Start(t testing.TB, host string, users ...string) *Realm {
	t.Helper()
	r := &Realm{Dir: t.TempDir(), programs: map[string]string{}}
	for _, p := range []string{"krb5kdc", "kdb5_util", "kadmin.local", "kinit"} {
		r.programs[p] = need(t, p)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("choosing the KDC's port: %v", err)
	}
	r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	r.Config = filepath.Join(r.Dir, "krb5.conf")
	r.kdcProfile = filepath.Join(r.Dir, "kdc.conf")
	r.log = filepath.Join(r.Dir, "kdc.log")
	r.ServiceKeytab = filepath.Join(r.Dir, "http.keytab")
	r.Service = "HTTP/" + host + "@" + RealmName
	if err := r.writeConfig(host); err != nil {
		t.Fatal(err)
	}

	master := make([]byte, 16)
	_, _ = rand.Read(master)
	if out, err := r.admin("kdb5_util", nil, "-r", RealmName, "create", "-s", "-P", hex.EncodeToString(master)); err != nil {
		t.Fatalf("creating the realm's database: %v\n%s", err, out)
	}
	// kadmin.local reads its commands from stdin and exits 0 whatever
	// they did, so what it made is checked by what comes after: the
	// keytabs exist, and kinit and the acceptor use them.
	script := fmt.Sprintf("addprinc -randkey %s\nktadd -k %s %s\n", r.Service, r.ServiceKeytab, r.Service)
	for _, u := range users {
		script += fmt.Sprintf("addprinc -randkey %s\nktadd -k %s %s\n", u, r.userKeytab(u), u)
	}
	out, err := r.admin("kadmin.local", strings.NewReader(script), "-r", RealmName)
	if err != nil {
		t.Fatalf("adding the principals: %v\n%s", err, out)
	}
	for _, kt := range append([]string{r.ServiceKeytab}, r.userKeytabs(users)...) {
		if _, err := os.Stat(kt); err != nil {
			t.Fatalf("kadmin.local made no keytab %s:\n%s", filepath.Base(kt), out)
		}
	}
	if err := r.startKDC(t); err != nil {
		t.Fatal(err)
	}
	return r
}

// Kinit gets user's initial ticket into a credential cache of its own
// (from the user's keytab: no password anywhere) and returns the
// environment a Kerberos client needs to use it: KRB5_CONFIG and
// KRB5CCNAME.
func (r *Realm) Kinit(t testing.TB, user string) []string {
	t.Helper()
	ccache := "FILE:" + filepath.Join(r.Dir, user+".ccache")
	env := []string{"KRB5_CONFIG=" + r.Config, "KRB5CCNAME=" + ccache}
	if out, err := r.admin("kinit", nil, "-k", "-t", r.userKeytab(user), "-c", ccache, user+"@"+RealmName); err != nil {
		t.Fatalf("kinit %s: %v\n%s\nKDC log:\n%s", user, err, out, r.Log())
	}
	return env
}

// Log is what the KDC has logged so far: one line per ticket it issued
// or refused, naming the client and the service.
func (r *Realm) Log() string {
	b, _ := os.ReadFile(r.log)
	return string(b)
}

// TicketsFor counts the service tickets the KDC has issued for the
// principal (as written in its log: "… for HTTP/localhost@SAMLGO.TEST").
func (r *Realm) TicketsFor(principal string) int {
	n := 0
	for _, line := range strings.Split(r.Log(), "\n") {
		if strings.Contains(line, "TGS_REQ") && strings.Contains(line, "ISSUE:") && strings.HasSuffix(strings.TrimSpace(line), " for "+principal) {
			n++
		}
	}
	return n
}

func (r *Realm) userKeytab(user string) string {
	return filepath.Join(r.Dir, "user-"+user+".keytab")
}

func (r *Realm) userKeytabs(users []string) []string {
	var kts []string
	for _, u := range users {
		kts = append(kts, r.userKeytab(u))
	}
	return kts
}

// writeConfig writes krb5.conf for the clients and kdc.conf for the KDC
// and its tools, every path in Dir.
func (r *Realm) writeConfig(host string) error {
	krb5 := fmt.Sprintf(`[libdefaults]
	default_realm = %[1]s
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	udp_preference_limit = 1

[realms]
	%[1]s = {
		kdc = %[2]s
	}

[domain_realm]
	%[3]s = %[1]s
`, RealmName, r.Addr, host)
	_, port, _ := net.SplitHostPort(r.Addr)
	kdc := fmt.Sprintf(`[kdcdefaults]
	kdc_listen = 127.0.0.1:%[2]s
	kdc_tcp_listen = 127.0.0.1:%[2]s

[realms]
	%[1]s = {
		database_name = %[3]s
		key_stash_file = %[4]s
		acl_file = %[5]s
		max_life = 1h
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
	}

[logging]
	kdc = FILE:%[6]s
	admin_server = FILE:%[7]s
	default = FILE:%[7]s
`, RealmName, port, filepath.Join(r.Dir, "principal"), filepath.Join(r.Dir, "stash"),
		filepath.Join(r.Dir, "kadm5.acl"), r.log, filepath.Join(r.Dir, "admin.log"))
	for name, text := range map[string]string{r.Config: krb5, r.kdcProfile: kdc, filepath.Join(r.Dir, "kadm5.acl"): ""} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			return fmt.Errorf("writing the realm's configuration: %w", err)
		}
	}
	return nil
}

// env is the environment of the realm's programs: its two configuration
// files and nothing of the machine's (/etc/krb5.conf, /etc/krb5kdc).
func (r *Realm) env() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"KRB5_CONFIG=" + r.Config,
		"KRB5_KDC_PROFILE=" + r.kdcProfile,
		"KRB5CCNAME=FILE:" + filepath.Join(r.Dir, "unused.ccache"),
	}
}

// admin runs one of the realm's programs to its end, at most a minute,
// and returns what it printed.
func (r *Realm) admin(program string, stdin *strings.Reader, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.programs[program], args...)
	cmd.Env = r.env()
	if stdin != nil {
		cmd.Stdin = stdin
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %w", program, err)
	}
	return out, nil
}

// startKDC runs krb5kdc in the foreground (-n) until the test ends, and
// waits until it accepts connections.
func (r *Realm) startKDC(t testing.TB) error {
	t.Helper()
	cmd := exec.Command(r.programs["krb5kdc"], "-n", "-r", RealmName, "-P", filepath.Join(r.Dir, "kdc.pid"))
	cmd.Env = r.env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting krb5kdc: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { stop(t, cmd, exited) })
	up := testenv.Eventually(10*time.Second, 20*time.Millisecond, func() bool {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			return true
		default:
		}
		c, err := net.DialTimeout("tcp", r.Addr, time.Second)
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
	select {
	case err := <-exited:
		exited <- err
		return fmt.Errorf("krb5kdc exited at start: %v\n%s\n%s", err, out.String(), r.Log())
	default:
	}
	if !up {
		return fmt.Errorf("krb5kdc does not answer on %s after 10s\n%s", r.Addr, r.Log())
	}
	return nil
}

// stop ends krb5kdc with SIGTERM, as its init script does, or with
// SIGKILL when it has not exited after 5 s, and fails the test in that
// case: a KDC that ignores SIGTERM would be left running by a test that
// was killed.
func stop(t testing.TB, cmd *exec.Cmd, exited chan error) {
	select {
	case <-exited:
		return // it died already; the test has failed or will
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	select {
	case <-exited:
	case <-timer.C:
		_ = cmd.Process.Kill()
		<-exited
		t.Errorf("krb5kdc did not stop on SIGTERM within 5s")
	}
}

// freePort returns a port that is free on 127.0.0.1 for both TCP and UDP
// (the KDC listens on both), as far as one can tell before using it.
func freePort() (int, error) {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := ln.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		ln.Close()
		if err == nil {
			pc.Close()
			return port, nil
		}
	}
	return 0, errors.New("no port free for both TCP and UDP on 127.0.0.1 after 20 tries")
}

// need returns the path of an MIT Kerberos program. The KDC's programs are
// in /usr/sbin, which is not on every user's PATH.
func need(t testing.TB, program string) string {
	t.Helper()
	if p, err := exec.LookPath(program); err == nil {
		return p
	}
	p, err := exec.LookPath(filepath.Join("/usr/sbin", program))
	testenv.Require(t, program, err, install)
	return p
}
