// Package doctor is the samlgo doctor command: one line per check of what
// a login needs (browser, config, AWS files, clock, endpoints, saved IdP
// sessions), each failing one with its fix.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/private"
	"github.com/samlgo/samlgo/sts"
)

// MaxSkew is the clock difference with STS beyond which doctor fails: SAML
// assertions live for minutes and AWS refuses signatures 15 minutes off.
const MaxSkew = 2 * time.Minute

// Options are doctor's dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// Environ lists the environment (for AWS_ENDPOINT_URL_* variables).
	Environ func() []string
	Now     func() time.Time
	Log     *slog.Logger
	// ConfigFlag is --config.
	ConfigFlag string
	// FindBrowser finds the Chrome samlgo would run (browser.Find).
	FindBrowser func(explicit string) (string, error)
	// RunBrowser runs the browser with args until it exits or ctx ends and
	// returns its standard output.
	RunBrowser func(ctx context.Context, exe string, args ...string) ([]byte, error)
	// ServerDate makes one STS call and returns the time in the Date header
	// of its answer (any answer, an error too) and the host that sent it.
	ServerDate func(ctx context.Context, o sts.Options) (time.Time, string, error)
	// CacheDir is the user cache directory (os.UserCacheDir).
	CacheDir func() (string, error)
	// Root reports whether samlgo runs as root (Chrome then needs
	// --no-sandbox).
	Root bool
	// Timeout bounds each check that runs a program or calls the network.
	Timeout time.Duration
}

// NewCmdDoctor builds the command; runF replaces doctorRun in tests of the
// flag wiring.
func NewCmdDoctor(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO: f.IOStreams, Getenv: f.Getenv, Environ: os.Environ, Now: f.Now,
		FindBrowser: browser.Find, RunBrowser: RunBrowser, ServerDate: ServerDate, CacheDir: os.UserCacheDir,
		Root: os.Geteuid() == 0, Timeout: 30 * time.Second,
	}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the browser, config, AWS files, clock and endpoints",
		Long: `doctor checks what samlgo needs and prints one line per check; a check that
fails says how to fix it, and doctor then exits 1.

  browser       Chrome or Chromium is found and starts headless (its version)
  config        samlgo's config file is valid
  credentials   the AWS credentials file parses as the AWS CLI reads it, is
                readable and writable, and mode 0600 or stricter
  config file   the AWS config file parses and is readable and writable
  aws dir       ~/.aws is mode 0700 and writable
  clock         the clock agrees with STS (the Date of an STS answer)
  endpoints     the endpoint settings in effect (AWS_ENDPOINT_URL*, the
                profile's endpoint_url)
  IdP sessions  the saved browser sessions and when they were last used

doctor prints no secret: endpoint URLs lose any user name, password or
query.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log, opts.ConfigFlag = f.Log, f.ConfigPath
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return doctorRun(cmd.Context(), opts)
		},
	}
	return cmd
}

// status is a check's verdict.
type status string

const (
	statusOK   status = "ok"
	statusInfo status = "info"
	statusFail status = "FAIL"
)

// result is one check's line.
type result struct {
	name   string
	status status
	detail string
	fix    string
}

func ok(name, format string, args ...any) result {
	return result{name: name, status: statusOK, detail: fmt.Sprintf(format, args...)}
}

func fail(name, fix, format string, args ...any) result {
	return result{name: name, status: statusFail, detail: fmt.Sprintf(format, args...), fix: fix}
}

func (r result) String() string {
	s := fmt.Sprintf("%-4s  %s: %s", r.status, r.name, r.detail)
	if r.fix != "" {
		s += " — fix: " + r.fix
	}
	return strings.ReplaceAll(s, "\n", " ")
}

func doctorRun(ctx context.Context, opts *Options) error {
	cfg, cfgResult := checkConfig(opts)
	var results []result
	emit := func(rs ...result) {
		for _, r := range rs {
			results = append(results, r)
			fmt.Fprintln(opts.IO.Out, r)
		}
	}
	emit(checkBrowser(ctx, opts, cfg))
	emit(cfgResult)
	emit(checkAWSFiles(opts)...)
	emit(checkClock(ctx, opts))
	emit(checkEndpoints(opts))
	emit(checkSessions(opts))
	failed := 0
	for _, r := range results {
		if r.status == statusFail {
			failed++
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if failed > 0 {
		return cmdutil.FailureError(fmt.Errorf("%d of %d checks need fixing", failed, len(results)))
	}
	return nil
}

func checkConfig(opts *Options) (*config.Config, result) {
	const name = "config"
	path, explicit, err := config.Path(opts.ConfigFlag)
	if err != nil {
		return &config.Config{}, fail(name, "pass --config or set SAMLGO_CONFIG", "%v", err)
	}
	// No account is flagged, not failed: a person who only uses sso or the
	// recipes needs none.
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !explicit {
		return &config.Config{Path: path}, result{name: name, status: statusInfo, detail: "no account configured: no config file at " + path + " (samlgo init sets one up; sso and the recipes need none)"}
	}
	c, err := config.Load(path, explicit)
	if err != nil {
		return &config.Config{}, fail(name, "correct the key named, as samlgo config example documents it", "%v", err)
	}
	if len(c.Accounts) == 0 {
		return c, result{name: name, status: statusInfo, detail: "no account configured in " + path + " (samlgo init adds one; sso and the recipes need none)"}
	}
	return c, ok(name, "%s is valid (%d accounts)", path, len(c.Accounts))
}

func checkBrowser(ctx context.Context, opts *Options, cfg *config.Config) result {
	const name = "browser"
	exe, err := opts.FindBrowser(cmdutil.First(opts.Getenv("SAMLGO_BROWSER"), cfg.Browser))
	if err != nil {
		return fail(name, "install Chromium (Debian/Ubuntu: sudo apt install chromium) or set SAMLGO_BROWSER to Chrome's path", "%v", err)
	}
	vctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	out, err := opts.RunBrowser(vctx, exe, "--version")
	cancel()
	if err != nil {
		return fail(name, "reinstall it, or set SAMLGO_BROWSER to a Chrome that runs", "%s --version: %v", exe, err)
	}
	version := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	profile, err := os.MkdirTemp("", "samlgo-doctor-")
	if err != nil {
		return fail(name, "make the temporary directory writable ($TMPDIR)", "creating a temporary profile: %v", err)
	}
	defer os.RemoveAll(profile)
	args := []string{"--headless", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile}
	if opts.Root {
		args = append(args, "--no-sandbox")
	}
	hctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	out, err = opts.RunBrowser(hctx, exe, append(args, "--dump-dom", "about:blank")...)
	if err != nil || !strings.Contains(strings.ToLower(string(out)), "<html") {
		if err == nil {
			err = errors.New("it printed no page")
		}
		return fail(name, "check that it starts: "+exe+" "+strings.Join(args, " ")+" --dump-dom about:blank; or sign in with a window (--no-headless)",
			"%s (%s) does not start headless: %v", version, exe, err)
	}
	display := "no display: logins run headless"
	if browser.HasDisplay() {
		display = "a display for visible logins"
	}
	return ok(name, "%s (%s) starts headless; %s", version, exe, display)
}

// checkAWSFiles checks the credentials file, the config file and ~/.aws.
func checkAWSFiles(opts *Options) []result {
	var rs []result
	credPath, err := awsfiles.CredentialsPath("")
	if err != nil {
		return []result{fail("credentials", "set HOME or AWS_SHARED_CREDENTIALS_FILE", "%v", err)}
	}
	cfgPath, err := awsfiles.ConfigPath("")
	if err != nil {
		return []result{fail("aws config", "set HOME or AWS_CONFIG_FILE", "%v", err)}
	}
	rs = append(rs, checkAWSFile("credentials", credPath, true), checkAWSFile("aws config", cfgPath, false))
	dir := filepath.Dir(credPath)
	if filepath.Base(dir) != ".aws" {
		return rs
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		rs = append(rs, ok("aws dir", "%s does not exist yet (samlgo login creates it, mode 0700)", dir))
	case err != nil:
		rs = append(rs, fail("aws dir", "check the directory's owner and mode", "%v", err))
	case !st.IsDir():
		rs = append(rs, fail("aws dir", "move it away; ~/.aws must be a directory", "%s is not a directory", dir))
	case private.Loose(st.Mode()):
		rs = append(rs, fail("aws dir", "chmod 700 "+dir, "%s is mode %04o, open to other users", dir, st.Mode().Perm()))
	default:
		if err := writableDir(dir); err != nil {
			rs = append(rs, fail("aws dir", "check the directory's owner and mode (samlgo replaces files in it atomically)", "%s is not writable: %v", dir, err))
		} else {
			rs = append(rs, ok("aws dir", "%s is %s and writable", dir, privacy("mode 0700")))
		}
	}
	return rs
}

func checkAWSFile(name, path string, secret bool) result {
	if err := awsfiles.Check(path); err != nil {
		return fail(name, "fix or move the file; the AWS CLI cannot read it either", "%v", err)
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ok(name, "%s does not exist yet", path)
	}
	if err != nil {
		return fail(name, "check the file's owner and mode", "%v", err)
	}
	if secret && private.Loose(st.Mode()) {
		return fail(name, "chmod 600 "+path, "%s is mode %04o, readable by other users", path, st.Mode().Perm())
	}
	// awsfiles.Check has refused anything but a regular file, so neither
	// open can block on a FIFO.
	r, err := os.Open(path)
	if err != nil {
		return fail(name, "check the file's owner and mode", "%s is not readable: %v", path, errors.Unwrap(err))
	}
	r.Close()
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fail(name, "check the file's owner and mode", "%s is not writable: %v", path, errors.Unwrap(err))
	}
	w.Close()
	return ok(name, "%s parses as the AWS CLI reads it, %s, readable and writable", path, privacy(fmt.Sprintf("mode %04o", st.Mode().Perm())))
}

func checkClock(ctx context.Context, opts *Options) result {
	const name = "clock"
	region := cmdutil.First(opts.Getenv("AWS_REGION"), opts.Getenv("AWS_DEFAULT_REGION"), "us-east-1")
	cctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	before := opts.Now()
	server, host, err := opts.ServerDate(cctx, sts.Options{Region: region, Profile: opts.Getenv("AWS_PROFILE")})
	after := opts.Now()
	if err != nil {
		return fail(name, "check the network, and AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or the profile's endpoint_url if set", "no answer from STS in %s to compare the clock with: %v", region, err)
	}
	local := before.Add(after.Sub(before) / 2)
	// Date has whole seconds: a second of difference is no skew.
	skew := server.Sub(local).Round(time.Second)
	if skew > -2*time.Second && skew < 2*time.Second {
		return ok(name, "agrees with STS (%s) to within a second or two", host)
	}
	how := "behind"
	if skew < 0 {
		how, skew = "ahead of", -skew
	}
	if skew >= MaxSkew {
		return fail(name, "turn on time synchronisation, e.g. sudo timedatectl set-ntp true", "%s %s STS (%s); AWS refuses signatures 15 minutes off and assertions expire within minutes", skew, how, host)
	}
	return ok(name, "%s %s STS (%s)", skew, how, host)
}

// endpointVars are the endpoint settings samlgo's calls follow.
var endpointVars = []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_SIGNIN"}

func checkEndpoints(opts *Options) result {
	const name = "endpoints"
	seen := map[string]bool{}
	var vars []string
	for _, kv := range opts.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_ENDPOINT_URL") {
			seen[k] = true
		}
	}
	for _, k := range endpointVars {
		seen[k] = seen[k] || opts.Getenv(k) != ""
	}
	for k := range seen {
		if opts.Getenv(k) != "" {
			vars = append(vars, k)
		}
	}
	sort.Strings(vars)
	var parts, bad []string
	for _, k := range vars {
		v := opts.Getenv(k)
		shown, valid := redactURL(v)
		if !valid {
			bad = append(bad, k)
		}
		parts = append(parts, k+"="+shown)
	}
	profile := cmdutil.First(opts.Getenv("AWS_PROFILE"), "default")
	if cfgPath, err := awsfiles.ConfigPath(""); err == nil {
		if v, err := awsfiles.ConfigValue(cfgPath, profile, "endpoint_url"); err == nil && v != "" {
			shown, valid := redactURL(v)
			if !valid {
				bad = append(bad, "endpoint_url of profile "+profile)
			}
			parts = append(parts, fmt.Sprintf("profile %s endpoint_url=%s", profile, shown))
		}
		if v, err := awsfiles.ConfigValue(cfgPath, profile, "services"); err == nil && v != "" {
			parts = append(parts, fmt.Sprintf("profile %s services=%s", profile, v))
		}
	}
	if strings.EqualFold(opts.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		parts = append(parts, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (all of these are ignored)")
	}
	if len(bad) > 0 {
		return fail(name, "set them to http(s) URLs, or unset them", "not http(s) URLs: %s", strings.Join(bad, ", "))
	}
	if len(parts) == 0 {
		return result{name: name, status: statusInfo, detail: "AWS defaults (no AWS_ENDPOINT_URL*, no endpoint_url for profile " + profile + ")"}
	}
	return result{name: name, status: statusInfo, detail: strings.Join(parts, "; ")}
}

// redactURL shows an endpoint URL without user info or query, and says
// whether it is an http(s) URL with a host.
func redactURL(v string) (string, bool) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "(not a URL)", false
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String(), true
}

func checkSessions(opts *Options) result {
	const name = "IdP sessions"
	cache, err := opts.CacheDir()
	if err != nil {
		return fail(name, "set HOME or XDG_CACHE_HOME", "finding the cache directory: %v", err)
	}
	dir := filepath.Join(cache, "samlgo", "chrome")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return ok(name, "none saved (%s)", dir)
	}
	if err != nil {
		return fail(name, "check the directory's owner and mode", "%v", err)
	}
	var list, loose []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if private.Loose(st.Mode()) {
			loose = append(loose, p)
		}
		list = append(list, fmt.Sprintf("%s (last used %s ago)", e.Name(), age(opts.Now().Sub(lastUsed(p, st.ModTime())))))
	}
	if len(loose) > 0 {
		return fail(name, "chmod 700 "+strings.Join(loose, " "), "open to other users (they hold IdP cookies): %s", strings.Join(loose, ", "))
	}
	if len(list) == 0 {
		return ok(name, "none saved (%s)", dir)
	}
	return ok(name, "%s in %s", strings.Join(list, ", "), dir)
}

// lastUsed is the newest of the profile directory's and its cookie
// files' modification times.
func lastUsed(dir string, t time.Time) time.Time {
	for _, f := range []string{"Default/Cookies", "Default/Network/Cookies", "Local State"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.ModTime().After(t) {
			t = st.ModTime()
		}
	}
	return t
}

// age rounds a duration for people: 45s, 12m, 5h, 3d.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// privacy says what keeps a file private here: its mode on Unix; on
// Windows, where modes say nothing, the ACL of the user's profile folder
// the file lives in, which doctor does not read.
func privacy(unixMode string) string {
	if private.ModesMean {
		return unixMode
	}
	return "private by the profile folder's ACL (Windows; not checked)"
}
