package awsfiles

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/internal/testenv"
)

// botocoreScript reads each file named on the command line with the AWS
// CLI's own reader (botocore.configloader) and prints what it found.
const botocoreScript = `
import json, sys
try:
    from awscli.botocore import configloader
except ImportError:
    from botocore import configloader
out = []
for p in sys.argv[1:]:
    try:
        cfg = configloader.raw_config_parse(p)
    except Exception as e:
        out.append({"ok": False, "error": type(e).__name__})
        continue
    profiles = configloader.build_profile_map(cfg)["profiles"]
    out.append({"ok": True,
                "sections": {k: sorted(v.keys()) for k, v in cfg.items()},
                "regions": {k: v.get("region", "") for k, v in profiles.items()}})
print(json.dumps(out))
`

// TestParserAgreesWithBotocore: issues 2 and 6 broke because samlgo read
// the files differently from the AWS CLI (duplicate sections accepted, the
// stale one winning in the SDK; "[ prod ]" taken for "prod"). The parser
// must accept exactly what botocore accepts and see the same sections,
// keys, and config profiles.
func TestParserAgreesWithBotocore(t *testing.T) {
	py := testenv.AWSCLIPython(t)
	files := []string{
		"[a]\nk=v\n",
		"[ prod ]\naws_access_key_id = x\n",
		"[a]\nk=v\n[a]\nj=w\n",
		"[a]\nk=v\nK=w\n",
		"\ufeff[a]\nk=v\n",
		"k=v\n[a]\n",
		"[a]\n  k = v\n  j = w\n",
		"[a]\nk = v\n  [b]\nj=w\n",
		"[a]\n  k = v\n  [b]\nj=w\n",
		"[a]\r\nk=v\r[b]\rj=w\r",
		"[a]\ns3 =\n  x = 1\n  bad\n",
		"[a]\ns3 =\n  x = 1\n\n  y=2\n",
		"[a]\ns3 = v\n  no equals here\n",
		"[a]\ns3 =\n  x = 1\v bad\n",
		"[a] trailing ] text\nk=v\n",
		"[]\nk=v\n",
		"[a]\n= v\n",
		"[a]\nnovalue\n",
		"[DEFAULT]\nregion=x\n[a]\nk=v\n",
		"[DEFAULT]\nregion=x\n[DEFAULT]\nk=v\n",
		"[a]\nk=v\n# c\n  cont\n",
		"[a]\nk=v\n\n  cont\n",
		"[a]\n\x1ck=v\n",
		"[a]\nk=\xff\n",
		"[a]]\nk=v\n",
		"  [a]\nk=v\n",
		"[profile  dev]\nregion=a\n[profile dev]\nregion=b\n",
		"[profile dev]\nregion=a\n[profile  dev]\nk=v\n",
		"[default]\nregion=a\n[profile default]\nregion=b\n",
		"[profile default]\nregion=a\n[default]\nregion=b\n",
		"[profile 'x y']\nregion=a\n",
		"[profile \"unclosed]\nregion=a\n",
		"[profile a\\b]\nregion=a\n",
		"[profiledev]\nregion=a\n",
		"[profilex dev]\nregion=a\n",
		"[a]\n\tk = v\n \tj = w\n",
		"[a]\nk: v=1\n",
		"[a]\nk\u00a0= v\n",
		"[a]\n\u3000k = v\n\u3000\u3000j = w\n",
		"[a]\n\u3000k = v\n  j = w\n",
		"; only a comment\n",
		"",
		"[a]\nk = v\n  # indented comment\n  j = w\n",
	}
	dir := t.TempDir()
	args := []string{"-c", botocoreScript}
	for i, f := range files {
		p := filepath.Join(dir, fmt.Sprint(i))
		if err := os.WriteFile(p, []byte(f), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	cmd := exec.Command(py, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PYTHONUTF8=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v", err)
	}
	var want []struct {
		OK       bool                `json:"ok"`
		Error    string              `json:"error"`
		Sections map[string][]string `json:"sections"`
		Regions  map[string]string   `json:"regions"`
	}
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(files) {
		t.Fatalf("botocore said %s (%v)", out, err)
	}
	for i, f := range files {
		d, err := parseDocument([]byte(f))
		w := want[i]
		if (err == nil) != w.OK {
			t.Errorf("%q: samlgo error %v, botocore ok=%v %s", f, err, w.OK, w.Error)
			continue
		}
		if err != nil {
			continue
		}
		got := map[string][]string{}
		var defaults []string
		for _, l := range d.lines {
			if l.kind == headerLine && l.name == defaultSection {
				for _, k := range keysOf(d, l.name) {
					defaults = append(defaults, k)
				}
			}
		}
		profiles := map[string]bool{}
		for _, l := range d.lines {
			if l.kind != headerLine || l.name == defaultSection {
				continue
			}
			keys := append(keysOf(d, l.name), defaults...)
			slices.Sort(keys)
			got[l.name] = slices.Compact(keys)
			if p, ok := configProfile(l.name); ok {
				profiles[p] = true
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(w.Sections) {
			t.Errorf("%q: samlgo sees %v, botocore %v", f, got, w.Sections)
		}
		for p := range profiles {
			s, e, _ := d.sectionWhere(func(n string) bool { q, ok := configProfile(n); return ok && q == p })
			region, _ := d.get(s, e, "region")
			if r, ok := w.Regions[p]; !ok || r != region && !strings.Contains(f, "[DEFAULT]") {
				t.Errorf("%q: profile %q region: samlgo %q, botocore %q (%v)", f, p, region, r, ok)
			}
		}
		if len(profiles) != len(w.Regions) {
			t.Errorf("%q: samlgo finds profiles %v, botocore %v", f, profiles, w.Regions)
		}
	}
}

// keysOf lists the keys of every section with the name.
func keysOf(d *document, name string) []string {
	var keys []string
	in := false
	for _, l := range d.lines {
		switch {
		case l.kind == headerLine:
			in = l.name == name
		case l.kind == keyLine && in:
			keys = append(keys, l.name)
		}
	}
	return keys
}
