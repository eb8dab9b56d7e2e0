package version

import (
	"testing"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
)

func TestVersion(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	Version = "v1.2.3"
	t.Cleanup(func() { Version = "" })
	cmd := NewCmdVersion(&cmdutil.Factory{IOStreams: ios})
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || out.String() != "samlgo version v1.2.3\n" {
		t.Errorf("version = %q, %v", out, err)
	}
	Version = ""
	if String() != "dev" {
		t.Errorf("String() without a stamp = %q", String())
	}
}
