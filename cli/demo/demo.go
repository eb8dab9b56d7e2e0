// Package demo is the samlgo-demo program's command: a whole login against
// a built-in local IdP and STS emulator. It is a program of its own so
// that the test IdP and the STS emulator stay out of the samlgo binary.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/stsemu"
	"github.com/samlgo/samlgo/sts"
)

// Demo accounts and roles: what the built-in IdP grants the demo user.
const (
	User     = "demo@samlgo.test"
	account  = "111122223333"
	account2 = "444455556666"
	// Password is the demo user's password at the built-in IdP.
	Password = "correct horse battery staple"
	// Profile is the profile the demo writes.
	Profile = "samlgo-demo"
)

// defaultRole is the demo's role without --role and without a terminal.
const defaultRole = "Developer"

// Roles are the demo user's three roles.
var Roles = []string{
	"arn:aws:iam::" + account + ":role/Developer,arn:aws:iam::" + account + ":saml-provider/SamlgoDemo",
	"arn:aws:iam::" + account + ":role/ReadOnly,arn:aws:iam::" + account + ":saml-provider/SamlgoDemo",
	"arn:aws:iam::" + account2 + ":role/ops/Admin,arn:aws:iam::" + account2 + ":saml-provider/SamlgoDemo",
}

// Options are demo's flags and dependencies.
type Options struct {
	IO      *iostreams.IOStreams
	Now     func() time.Time
	Getenv  func(string) string
	Log     *slog.Logger
	Keep    bool
	Role    string
	Browser string
	// Prompter shows the role picker on a terminal when --role is not given.
	Prompter prompt.Prompter
}

// NewCmdDemo builds the command.
func NewCmdDemo(f *cmdutil.Factory) *cobra.Command {
	o := &Options{IO: f.IOStreams, Now: f.Now, Getenv: f.Getenv, Prompter: f.Prompter}
	cmd := &cobra.Command{
		Use:   "samlgo-demo",
		Short: "Run a whole login against a built-in local IdP and STS",
		Long: `demo shows samlgo working without any AWS account. A built-in SAML IdP and
an STS emulator start on 127.0.0.1; headless Chrome opens the IdP, samlgo
fills its login form, catches the SAMLResponse on its way to AWS, picks a
role, gets credentials from the emulator (which checks the assertion the way
AWS does) and writes them to a temporary credentials file, then calls
GetCallerIdentity with them. Nothing outside a temporary directory is
touched.`,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Log = f.Log
			return demoRun(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Keep, "keep", false, "keep the temporary directory with the credentials file")
	cmd.Flags().StringVar(&o.Role, "role", "", "role to choose among the demo user's three roles (default: the picker on a terminal, else "+defaultRole+")")
	cmd.Flags().StringVar(&o.Browser, "browser", "", "Chrome or Chromium to run (default $SAMLGO_BROWSER, then PATH)")
	return cmd
}

// Services are the demo's built-in IdP and STS emulator on 127.0.0.1; the
// emulator trusts the IdP for every role the demo user has.
type Services struct {
	IdP *idp.Server
	STS *stsemu.Emulator
}

// StartServices starts the IdP with the demo user holding roles, and the
// STS emulator trusting it.
func StartServices(roles []string) (*Services, error) {
	signer, err := idp.NewSigner("https://idp.samlgo.test/metadata")
	if err != nil {
		return nil, err
	}
	server := idp.NewServer(signer, &idp.User{Name: User, Password: Password, SessionName: User, Roles: roles})
	if err := server.Start(); err != nil {
		return nil, fmt.Errorf("starting the built-in IdP: %w", err)
	}
	emu := stsemu.New()
	for _, r := range roles {
		role, err := assertion.ParseRole(r)
		if err != nil {
			server.Close()
			return nil, err
		}
		emu.TrustProvider(role.PrincipalARN, signer.Cert)
	}
	if err := emu.Start(); err != nil {
		server.Close()
		return nil, fmt.Errorf("starting the local STS: %w", err)
	}
	return &Services{IdP: server, STS: emu}, nil
}

// Close stops both servers.
func (d *Services) Close() {
	d.IdP.Close()
	d.STS.Close()
}

// Login is the demo's login: headless Chrome on the built-in IdP with the
// demo user's password, role chosen by selector, credentials to the
// emulator and into the files under dir.
func (d *Services) Login(ios *iostreams.IOStreams, now func() time.Time, log *slog.Logger, exe, selector, dir string) (*flow.Login, *flow.Browser, error) {
	b := &flow.Browser{
		Options: browser.Options{
			ExecPath: exe, URL: d.IdP.SignOnURL(""), Headless: true, NoSandbox: os.Geteuid() == 0, Log: log,
			Autofill: &browser.Autofill{Username: User},
		},
		ProfileDir: filepath.Join(dir, "chrome-profile"),
		Timeout:    2 * time.Minute,
		Password: func(bool) func() (string, error) {
			return func() (string, error) { return Password, nil }
		},
	}
	out := cmdutil.OutputFlags{Format: cmdutil.FormatProfile, CredentialsFile: filepath.Join(dir, "credentials"), ConfigFile: filepath.Join(dir, "config")}
	sink, err := out.Sink(ios, now, log, "")
	if err != nil {
		return nil, nil, err
	}
	return &flow.Login{
		Capturer: b,
		Plan:     flow.PlanOptions{Selector: selector, Profile: Profile},
		NewAssumer: func(ctx context.Context, so sts.Options) (flow.SAMLAssumer, error) {
			so.Endpoint = d.STS.URL
			return sts.New(ctx, so)
		},
		Sink: sink,
		Now:  now,
		Log:  log,
	}, b, nil
}

func demoRun(ctx context.Context, o *Options) error {
	say := func(format string, args ...any) { fmt.Fprintf(o.IO.ErrOut, "demo: "+format+"\n", args...) }
	start := o.Now()
	exe, err := browser.Find(cmdutil.First(o.Browser, o.Getenv("SAMLGO_BROWSER")))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "samlgo-demo-")
	if err != nil {
		return err
	}
	if o.Keep {
		say("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	services, err := StartServices(Roles)
	if err != nil {
		return err
	}
	defer services.Close()
	say("built-in IdP on %s (user %s, %d roles)", services.IdP.URL, User, len(Roles))
	say("local STS emulator on %s", services.STS.URL)
	say("signing in with headless Chrome…")

	// On a terminal a new user sees the picker, as a real login shows it.
	selector, pick := o.Role, o.Role == "" && o.Prompter != nil && o.IO.CanPrompt()
	if selector == "" && !pick {
		selector = defaultRole
	}
	login, _, err := services.Login(o.IO, o.Now, o.Log, exe, selector, dir)
	if err != nil {
		return err
	}
	if pick {
		login.Choose = func(roles []assertion.Role, aliases assertion.Aliases) (assertion.Role, error) {
			return o.Prompter.PickRole(roles, aliases, "")
		}
	}
	login.Notify = func(msg string) { fmt.Fprintf(o.IO.ErrOut, "samlgo: %s\n", msg) }
	if err := login.Run(ctx); err != nil {
		return cmdutil.LoginError(cmdutil.SignInError(err, 2*time.Minute), nil)
	}
	say("the IdP accepted %d password login(s); the SAMLResponse never left Chrome", services.IdP.Logins())
	credPath := filepath.Join(dir, "credentials")
	c, err := awsfiles.ReadCredentials(credPath, Profile)
	if err != nil {
		return err
	}
	cl, err := sts.New(ctx, sts.Options{Region: "us-east-1", Endpoint: services.STS.URL})
	if err != nil {
		return err
	}
	id, err := cl.CallerIdentity(ctx, c)
	if err != nil {
		return fmt.Errorf("checking the new profile: %w", err)
	}
	say("GetCallerIdentity with profile %s: %s", Profile, id.ARN)
	say("credentials file: %s", credPath)
	say("done in %s: IdP sign-in → SAMLResponse → role → STS → profile", o.Now().Sub(start).Round(time.Millisecond))
	return nil
}
