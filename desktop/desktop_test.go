package desktop

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPageCannotBeBrokenOut: a URL holding quotes, angle brackets or
// </script> stays inside the page's string and attributes.
func TestPageCannotBeBrokenOut(t *testing.T) {
	u := `https://signin.aws.amazon.com/federation?Action=login&Destination="</script><script>alert(1)</script>'`
	page := string(Page(u))
	if strings.Count(page, "</script>") != 1 || strings.Contains(page, `"</script>`) {
		t.Fatalf("page breaks out:\n%s", page)
	}
	i, j := strings.Index(page, "location.replace("), strings.Index(page, ");</script>")
	var got string
	if err := json.Unmarshal([]byte(page[i+len("location.replace("):j]), &got); err != nil || got != u {
		t.Fatalf("script forwards to %q (%v), want %q", got, err, u)
	}
}

// TestRemoveStale: pages a killed process left are removed once their
// token has expired; fresh ones and other directories stay.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, stalePrefix+"old")
	fresh := filepath.Join(dir, stalePrefix+"fresh")
	other := filepath.Join(dir, "other")
	for _, d := range []string{old, fresh, other} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	long := now.Add(-time.Hour)
	os.Chtimes(old, long, long)
	os.Chtimes(other, long, long)
	removeStale(dir, now)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old page directory kept: %v", err)
	}
	for _, d := range []string{fresh, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s removed: %v", d, err)
		}
	}
}
