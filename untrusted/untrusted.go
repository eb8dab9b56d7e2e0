// Package untrusted makes text that came from an endpoint or an IdP safe to
// show on a terminal.
//
// An account name, an ARN, an error message or a page's text can carry
// escape sequences (retitle the window, clear the screen, recolour what
// follows), C1 controls that some terminals act on (U+009B is CSI), line
// breaks that forge a second line of output, and bidirectional overrides
// that make the text read differently from what it holds. Text shows them
// as Go escapes instead. It imports only the standard library.
package untrusted

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text returns s with every control character (C0, DEL, C1), every
// bidirectional formatting character and every invalid UTF-8 byte written
// as a Go escape (\n, \x1b, \u202e), and every backslash doubled so an
// escape cannot be forged. Text that needs none is returned as it is,
// without allocating.
func Text(s string) string {
	if !needs(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	escape(&b, s, false)
	return b.String()
}

// escape writes s to b with what Text escapes escaped; in a path,
// backslashes are kept and double quotes escaped instead.
func escape(b *strings.Builder, s string, path bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == '\\' && !path:
			b.WriteString(`\\`)
		case r == '"' && path:
			b.WriteString(`\"`)
		case unsafe(r):
			q := strconv.QuoteRuneToASCII(r) // 'x' with the escape inside
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}

func needs(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || c == '\\' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafe(r) {
			return true
		}
		i += size
	}
	return false
}

// unsafe reports whether a terminal could act on r, or whether r changes
// the order in which the text around it is shown.
func unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true // C0, DEL, C1
	case r == 0x061c, r == 0x200e, r == 0x200f: // ALM, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// Path returns a file path in double quotes for a message, with control
// and bidirectional characters escaped as Text does but backslashes kept:
// they separate Windows paths, where %q showed C:\\Users\\alice.
func Path(p string) string {
	var b strings.Builder
	b.Grow(len(p) + 2)
	b.WriteByte('"')
	escape(&b, p, true)
	b.WriteByte('"')
	return b.String()
}
