package prompt

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/cli/iostreams"
)

var pickRoles = []assertion.Role{
	{RoleARN: "arn:aws:iam::111111111111:role/Admin", PrincipalARN: "arn:aws:iam::111111111111:saml-provider/IdP", AccountID: "111111111111", Name: "Admin", Path: "/"},
	{RoleARN: "arn:aws:iam::111111111111:role/ReadOnly", PrincipalARN: "arn:aws:iam::111111111111:saml-provider/IdP", AccountID: "111111111111", Name: "ReadOnly", Path: "/"},
}

func numbered(t *testing.T, ctx context.Context, in io.Reader) (*Terminal, *strings.Builder) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	errOut := &strings.Builder{}
	ios.In, ios.ErrOut = in, errOut
	term := NewTerminal(ctx, ios)
	term.Numbered = true
	return term, errOut
}

// TestNumberedPicker covers the numbered list samlgo draws for TERM=dumb.
// huh's accessible list, used before, chose role 1 on Ctrl-D and exited 0,
// and panicked on "9", Enter, Ctrl-D (index out of range) (issue 14).
func TestNumberedPicker(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string // role name, or "" for an error
		err      error
	}{
		{"a number", "2\n", "ReadOnly", nil},
		{"a wrong number, then a good one", "9\n1\n", "Admin", nil},
		{"text, then a good one", "Admin\n2\n", "ReadOnly", nil},
		{"ctrl-d at once", "", "", ErrCancelled},
		{"a wrong number, then ctrl-d", "9\n", "", ErrCancelled},
		{"three wrong answers", "0\n9\nx\n1\n", "", ErrNoChoice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, errOut := numbered(t, context.Background(), strings.NewReader(tc.in))
			r, err := term.PickRole(pickRoles, nil, "")
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("PickRole = %v, %v; want %v", r, err, tc.err)
				}
				return
			}
			if err != nil || r.Name != tc.want {
				t.Fatalf("PickRole = %v, %v; want %s", r.Name, err, tc.want)
			}
			if !strings.Contains(errOut.String(), "1) 111111111111  Admin") {
				t.Errorf("list not shown:\n%s", errOut)
			}
		})
	}
}

// TestNumberedPickerEndsOnCancel: Ctrl-C (the context's end) was ignored
// while the list waited for a line (issue 14).
func TestNumberedPickerEndsOnCancel(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	term, _ := numbered(t, ctx, r)
	done := make(chan error, 1)
	go func() {
		_, err := term.PickRole(pickRoles, nil, "")
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("PickRole = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the numbered list still waits 5 s after cancel")
	}
}
