// Package recent remembers, per config account, the roles the last
// assertion offered and the role the person last chose, for the picker's
// preselection and for completion.
package recent

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"

	"github.com/samlgo/samlgo/private"
)

// Account is what is remembered for one account.
type Account struct {
	// Chosen is the role ARN last chosen in the picker.
	Chosen string `json:"chosen,omitempty"`
	// Offered are the role ARNs the last assertion offered, sorted.
	Offered []string `json:"offered,omitempty"`
}

// maxFile bounds the file: it holds role ARNs, never secrets.
const maxFile = 1 << 20

// Store is the file the memory lives in (Path).
type Store struct{ Path string }

// Default is the store under the user cache directory.
func Default() (*Store, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil, err
	}
	return &Store{Path: filepath.Join(dir, "samlgo", "recent-roles.json")}, nil
}

// Get returns what is remembered for account; the zero Account when
// nothing is, or the file cannot be read (a memory, not a record).
func (s *Store) Get(account string) Account {
	all := s.load()
	return all[account]
}

// Accounts returns everything remembered.
func (s *Store) Accounts() map[string]Account { return s.load() }

// Offered remembers the roles an assertion for account offered.
func (s *Store) Offered(account string, roleARNs []string) error {
	sorted := slices.Clone(roleARNs)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	return s.update(account, func(a *Account) { a.Offered = sorted })
}

// Chose remembers the role the person chose for account.
func (s *Store) Chose(account, roleARN string) error {
	return s.update(account, func(a *Account) { a.Chosen = roleARN })
}

func (s *Store) load() map[string]Account {
	b, err := private.ReadOwn(s.Path, maxFile)
	all := map[string]Account{}
	if err == nil {
		_ = json.Unmarshal(b, &all) // a damaged memory is an empty one
	}
	return all
}

// update rewrites the file atomically; two samlgo processes at once may
// lose one's update, which costs a preselection, nothing more.
func (s *Store) update(account string, change func(*Account)) error {
	if account == "" {
		return nil
	}
	all := s.load()
	a := all[account]
	change(&a)
	all[account] = a
	b, err := json.Marshal(all)
	if err != nil {
		return err
	}
	if err := private.MkdirAll(filepath.Dir(s.Path)); err != nil {
		return err
	}
	return private.WriteFile(s.Path, b, 0o600)
}
