package untrusted

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:role/Admin"},
		{"Zürich 東京", "Zürich 東京"},
		// Seen from a hostile portal: retitle, recolour, clear the screen.
		{"prod\x1b]0;pwned\x07\x1b[31m\x1b[2J", `prod\x1b]0;pwned\a\x1b[31m\x1b[2J`},
		// Seen from a hostile STS in whoami: a newline, RLO and C1 CSI.
		{"arn:aws:sts::1:assumed-role/a\nb\u202ec\u009b2J", `arn:aws:sts::1:assumed-role/a\nb\u202ec\u009b2J`},
		{"tab\there", `tab\there`},
		{"del\x7f", `del\x7f`},
		{"bidi\u2066x\u2069\u200f\u061c", `bidi\u2066x\u2069\u200f\u061c`},
		{"bad\xffutf8", `bad\xffutf8`},
		{`back\slash`, `back\\slash`},
		{"line\u2028sep", `line\u2028sep`},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextSafeNeedsNoAllocation(t *testing.T) {
	s := "arn:aws:iam::123456789012:role/Admin"
	if n := testing.AllocsPerRun(100, func() { _ = Text(s) }); n != 0 {
		t.Errorf("Text of safe text allocated %v times", n)
	}
}

// FuzzText checks that nothing a terminal acts on survives, that the result
// is one line of valid UTF-8, and that safe text is left alone.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "plain", "a\nb", "\x1b[2J", "\u202e", "\u009b", "\xff", `\x1b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) = %q: not valid UTF-8", s, out)
		}
		for _, r := range out {
			if unsafe(r) {
				t.Fatalf("Text(%q) = %q keeps %U", s, out, r)
			}
		}
		if !needs(s) && out != s {
			t.Fatalf("Text(%q) changed safe text to %q", s, out)
		}
		if !strings.Contains(s, `\`) && needs(s) == (out == s) {
			t.Fatalf("Text(%q) = %q: needs() and the result disagree", s, out)
		}
	})
}

// TestPath: messages showed Windows paths with every backslash doubled
// (%q), "C:\\Users\\alice\\.aws\\credentials" (issue 16).
func TestPath(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\alice\.aws\credentials`: `"C:\Users\alice\.aws\credentials"`,
		"/home/alice/.aws/credentials":    `"/home/alice/.aws/credentials"`,
		"/tmp/a\"b\x1b[2J\u202ec":         `"/tmp/a\"b\x1b[2J\u202ec"`,
	} {
		if got := Path(in); got != want {
			t.Errorf("Path(%q) = %s, want %s", in, got, want)
		}
	}
}
