package recent

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/samlgo/samlgo/internal/testenv"
)

func TestRemembers(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "samlgo", "recent-roles.json")}
	if a := s.Get("corp"); a.Chosen != "" || a.Offered != nil {
		t.Errorf("empty store: %+v", a)
	}
	if err := s.Offered("corp", []string{"arn:b", "arn:a", "arn:b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Chose("corp", "arn:b"); err != nil {
		t.Fatal(err)
	}
	if err := s.Chose("lab", "arn:x"); err != nil {
		t.Fatal(err)
	}
	if a := s.Get("corp"); a.Chosen != "arn:b" || !slices.Equal(a.Offered, []string{"arn:a", "arn:b"}) {
		t.Errorf("corp: %+v", a)
	}
	if len(s.Accounts()) != 2 {
		t.Errorf("accounts %v", s.Accounts())
	}
	if err := s.Chose("", "arn:z"); err != nil || len(s.Accounts()) != 2 {
		t.Errorf("no account: %v %v", err, s.Accounts())
	}
	testenv.Mode(t, s.Path, 0o600)
	os.WriteFile(s.Path, []byte("{not json"), 0o600)
	if a := s.Get("corp"); a.Chosen != "" {
		t.Errorf("damaged file read as %+v", a)
	}
	if err := s.Chose("corp", "arn:c"); err != nil || s.Get("corp").Chosen != "arn:c" {
		t.Errorf("a damaged file is replaced: %v", err)
	}
}
