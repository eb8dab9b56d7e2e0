package status

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
)

func TestStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	os.WriteFile(path, []byte("[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n"+
		"[corp]\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-12-05T12:47:00Z\nx_samlgo_origin = saml\nx_samlgo_account = corp\nx_samlgo_role = arn:aws:iam::123456789012:role/team/Admin\n"+
		"[ops-session]\naws_access_key_id = ASIA2\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-12-05T11:00:00Z\nx_samlgo_origin = assume-role\n"+
		"[evil]\naws_access_key_id = ASIA3\naws_secret_access_key = s\nx_samlgo_origin = saml\nx_samlgo_account = \u202ecorp\n"), 0o600)
	cfg := func() (*config.Config, error) {
		return config.Parse("c.toml", []byte("[accounts.corp]\nurl = \"https://x\"\n[accounts.corp.aliases]\n\"123456789012\" = \"prod\"\n"))
	}
	ios, _, out, _ := iostreams.Test()
	opts := &Options{IO: ios, Now: func() time.Time { return now }, Config: cfg, CredentialsFile: path, Output: "json"}
	if err := statusRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	var got []Entry
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 3 {
		t.Fatalf("%s: %v", out, err)
	}
	want := Entry{Profile: "corp", Account: "corp", AWSAccountID: "123456789012", Alias: "prod", RoleARN: "arn:aws:iam::123456789012:role/team/Admin", RoleName: "Admin", Source: "saml", Expires: "2026-12-05T12:47:00Z", SecondsLeft: 47 * 60}
	if got[0] != want || got[1].Source != "assume-role" || got[1].SecondsLeft != 0 {
		t.Errorf("entries %+v", got)
	}
	out.Reset()
	opts.Output = "text"
	if err := statusRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, w := range []string{"PROFILE", "123456789012 (prod)", "47m", "expired", "ops-session", `\u202e`} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "\u202e") || strings.Contains(text, "AKIA") {
		t.Errorf("raw control text or long-term keys shown:\n%s", text)
	}
}
