package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/stsemu"
	"github.com/samlgo/samlgo/sts"
)

// Demo accounts and roles: what the built-in IdP grants the demo user.
const (
	demoUser     = "demo@samlgo.test"
	demoAccount  = "111122223333"
	demoAccount2 = "444455556666"
)

var demoRoles = []string{
	"arn:aws:iam::" + demoAccount + ":role/Developer,arn:aws:iam::" + demoAccount + ":saml-provider/SamlgoDemo",
	"arn:aws:iam::" + demoAccount + ":role/ReadOnly,arn:aws:iam::" + demoAccount + ":saml-provider/SamlgoDemo",
	"arn:aws:iam::" + demoAccount2 + ":role/ops/Admin,arn:aws:iam::" + demoAccount2 + ":saml-provider/SamlgoDemo",
}

// demoPassword is the demo user's password at the built-in IdP.
const demoPassword = "correct horse battery staple"

type demoOptions struct {
	app     *app
	Keep    bool
	Role    string
	Browser string
}

func newDemoCmd(a *app) *cobra.Command {
	o := &demoOptions{app: a}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a whole login against a built-in local IdP and STS",
		Long: `demo shows samlgo working without any AWS account. A built-in SAML IdP and
an STS emulator start on 127.0.0.1; headless Chrome opens the IdP, samlgo
fills its login form, catches the SAMLResponse on its way to AWS, picks a
role, gets credentials from the emulator (which checks the assertion the way
AWS does) and writes them to a temporary credentials file, then calls
GetCallerIdentity with them. Nothing outside a temporary directory is
touched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return demoRun(cmd.Context(), o) },
	}
	cmd.Flags().BoolVar(&o.Keep, "keep", false, "keep the temporary directory with the credentials file")
	cmd.Flags().StringVar(&o.Role, "role", "Developer", "role to choose among the demo user's three roles")
	cmd.Flags().StringVar(&o.Browser, "browser", "", "Chrome or Chromium to run (default $SAMLGO_BROWSER, then PATH)")
	return cmd
}

// demoServices are the demo's built-in IdP and STS emulator on 127.0.0.1;
// the emulator trusts the IdP for every role the demo user has.
type demoServices struct {
	idp *idp.Server
	sts *stsemu.Emulator
}

func startDemoServices(roles []string) (*demoServices, error) {
	signer, err := idp.NewSigner("https://idp.samlgo.test/metadata")
	if err != nil {
		return nil, err
	}
	server := idp.NewServer(signer, &idp.User{Name: demoUser, Password: demoPassword, SessionName: demoUser, Roles: roles})
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
	return &demoServices{idp: server, sts: emu}, nil
}

// Close stops both servers.
func (d *demoServices) Close() {
	d.idp.Close()
	d.sts.Close()
}

func demoRun(ctx context.Context, o *demoOptions) error {
	a := o.app
	say := func(format string, args ...any) { fmt.Fprintf(a.io.ErrOut, "demo: "+format+"\n", args...) }
	start := a.now()

	dir, err := os.MkdirTemp("", "samlgo-demo-")
	if err != nil {
		return err
	}
	if o.Keep {
		say("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	services, err := startDemoServices(demoRoles)
	if err != nil {
		return err
	}
	defer services.Close()
	server, emu := services.idp, services.sts
	say("built-in IdP on %s (user %s, %d roles)", server.URL, demoUser, len(demoRoles))
	say("local STS emulator on %s", emu.URL)
	say("signing in with headless Chrome…")

	credPath := filepath.Join(dir, "credentials")
	lo := &loginOptions{
		app: a, Role: o.Role, cfg: &config.Config{},
		Output: outputOptions{Format: formatProfile, Profile: "samlgo-demo", CredentialsFile: credPath, ConfigFile: filepath.Join(dir, "config")},
		Browser: browserOptions{
			URL: server.SignOnURL(""), Headless: true, Browser: o.Browser, Timeout: 2 * time.Minute,
			Username: demoUser, profileDir: filepath.Join(dir, "chrome-profile"),
			password: func() (string, error) { return demoPassword, nil },
		},
		newAssumer: func(ctx context.Context, so sts.Options) (samlAssumer, error) {
			so.Endpoint = emu.URL
			return sts.New(ctx, so)
		},
		pick: func(roles []assertion.Role, aliases assertion.Aliases) (assertion.Role, error) {
			return pickRole(a.io, roles, aliases)
		},
	}
	if err := loginRun(ctx, lo); err != nil {
		return err
	}
	say("the IdP accepted %d password login(s); the SAMLResponse never left Chrome", server.Logins())
	c, err := awsfiles.ReadCredentials(credPath, "samlgo-demo")
	if err != nil {
		return err
	}
	cl, err := sts.New(ctx, sts.Options{Region: "us-east-1", Endpoint: emu.URL})
	if err != nil {
		return err
	}
	id, err := cl.CallerIdentity(ctx, c)
	if err != nil {
		return fmt.Errorf("checking the new profile: %w", err)
	}
	say("GetCallerIdentity with profile samlgo-demo: %s", id.ARN)
	say("credentials file: %s", credPath)
	say("done in %s: IdP sign-in → SAMLResponse → role → STS → profile", a.now().Sub(start).Round(time.Millisecond))
	return nil
}
