// Package awsfiles edits the AWS shared credentials and config files in
// place, keeping every byte it does not own.
package awsfiles

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The files are INI as botocore reads them: Python's
// configparser.RawConfigParser in its default, strict mode
// (botocore/configloader.py raw_config_parse), then botocore's own reading
// of nested blocks. parseDocument follows configparser's _read line by line:
//
//   - Python reads the file as UTF-8 text with universal newlines: "\n",
//     "\r\n" and a lone "\r" all end a line; a byte-order mark is not
//     skipped, so the AWS CLI cannot read a file that starts with one.
//   - A line whose stripped text starts with '#' or ';' is a comment; a
//     blank or comment line neither ends a value nor belongs to it.
//   - A line indented deeper than the option line above it continues that
//     option's value (the config file's nested "s3 =" blocks). Indentation
//     is counted in characters of Python white space.
//   - Otherwise the stripped line is a section header when it matches
//     `\[(?P<header>.+)\]` from its start: the name is everything between
//     the first '[' and the last ']', spaces included ("[ prod ]" is the
//     section " prod ", not "prod"), and text after the last ']' is ignored.
//   - Otherwise it must be "key = value" or "key: value" (the first '=' or
//     ':' delimits); keys compare lower-cased. Strict mode refuses a section
//     that appears twice and a key that appears twice in one section.
//   - botocore then reads a value that is empty on its own line and goes on
//     in continuation lines as "key = value" lines, and fails on any that
//     has no '='.
//
// samlgo changes only the lines of the keys it owns in the one section it
// writes; everything else keeps its bytes, order and line endings.

type lineKind int

const (
	blankLine lineKind = iota
	commentLine
	headerLine
	keyLine
	continuationLine
)

type line struct {
	text   string // without its line ending
	eol    string // "\n", "\r\n", "\r" or "" for a last line without one
	kind   lineKind
	name   string // section name (headerLine) or lower-case key (keyLine)
	indent int    // leading white space in characters (headerLine, keyLine)
}

// document is an INI file split into lines, ready for surgical edits.
type document struct {
	lines []line
	eol   string // the ending used for lines samlgo adds
}

// SyntaxError reports a line that the AWS CLI could not read either.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// defaultSection is configparser's default_section: its keys apply to
// every other section, and it is never a profile.
const defaultSection = "DEFAULT"

// pyIsSpace is Python's str.isspace for one character: Go's white space
// plus the information separators U+001C–U+001F.
func pyIsSpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// pyIndent is the index, in characters, of the first non-space character.
func pyIndent(s string) int {
	n := 0
	for _, r := range s {
		if !pyIsSpace(r) {
			return n
		}
		n++
	}
	return 0 // an all-space line; callers never ask
}

// leading returns the white space that starts s.
func leading(s string) string {
	return s[:len(s)-len(strings.TrimLeftFunc(s, pyIsSpace))]
}

// splitLines cuts b into lines the way Python's universal newlines do.
func splitLines(s string) []line {
	lines := make([]line, 0, strings.Count(s, "\n")+1)
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			lines = append(lines, line{text: s})
			break
		}
		l := line{text: s[:i], eol: s[i : i+1]}
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			l.eol = "\r\n"
		}
		s = s[i+len(l.eol):]
		lines = append(lines, l)
	}
	return lines
}

// parseDocument reads an AWS file as the AWS CLI does, in one pass, and
// refuses what the AWS CLI would refuse.
func parseDocument(b []byte) (*document, error) {
	if bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		return nil, &SyntaxError{1, "the file starts with a byte-order mark, which the AWS CLI cannot read; save it as UTF-8 without BOM"}
	}
	if !utf8.Valid(b) {
		n := 1 + bytes.Count(b[:firstInvalidUTF8(b)], []byte("\n"))
		return nil, &SyntaxError{n, "not UTF-8 text"}
	}
	d := &document{eol: "\n", lines: splitLines(string(b))}
	if bytes.Contains(b, []byte("\r\n")) {
		d.eol = "\r\n"
	}
	sections := map[string]int{} // section name → line of its header
	keys := map[[2]string]int{}  // section, key → line
	section, inSection := "", false
	optOpen, optNested := false, false // an option is open; its value is a nested block
	indentLevel := 0
	for i := range d.lines {
		l := &d.lines[i]
		n := i + 1
		value := pyStrip(l.text)
		switch {
		case value == "":
			l.kind = blankLine
			continue
		case value[0] == '#' || value[0] == ';':
			l.kind = commentLine
			continue
		}
		indent := pyIndent(l.text)
		if inSection && optOpen && indent > indentLevel {
			l.kind = continuationLine
			if optNested {
				if err := checkNested(value); err != nil {
					return nil, &SyntaxError{n, err.Error()}
				}
			}
			continue
		}
		indentLevel = indent
		l.indent = indent
		if end := strings.LastIndexByte(value, ']'); value[0] == '[' && end > 1 {
			l.kind, l.name = headerLine, value[1:end]
			if first, dup := sections[l.name]; dup {
				return nil, &SyntaxError{n, fmt.Sprintf("section [%s] again (first on line %d); the AWS CLI refuses duplicate sections: merge them", l.name, first)}
			}
			if l.name != defaultSection {
				sections[l.name] = n
			}
			section, inSection, optOpen = l.name, true, false
			continue
		}
		if !inSection {
			return nil, &SyntaxError{n, "text before the first [section] header"}
		}
		j := strings.IndexAny(value, "=:")
		if j < 0 {
			return nil, &SyntaxError{n, "neither a [section] header, a key = value pair nor a comment"}
		}
		key := strings.ToLower(strings.TrimRightFunc(value[:j], pyIsSpace))
		if key == "" {
			return nil, &SyntaxError{n, "a value without a key"}
		}
		if first, dup := keys[[2]string{section, key}]; dup {
			return nil, &SyntaxError{n, fmt.Sprintf("key %q again in section [%s] (first on line %d); the AWS CLI refuses duplicate keys: keep one", key, section, first)}
		}
		keys[[2]string{section, key}] = n
		l.kind, l.name = keyLine, key
		optOpen, optNested = true, pyStrip(value[j+1:]) == ""
	}
	return d, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// checkNested applies botocore's _parse_nested to one continuation line of
// a value that is empty on its key's line: every line Python's
// str.splitlines finds in it must be blank or hold an '='.
func checkNested(value string) error {
	for _, part := range strings.FieldsFunc(value, isPyLineBreak) {
		if p := pyStrip(part); p != "" && !strings.Contains(p, "=") {
			return fmt.Errorf("the nested value %q has no '='; the AWS CLI reads lines indented under an empty key as \"name = value\"", p)
		}
	}
	return nil
}

// isPyLineBreak reports the characters Python's str.splitlines breaks at.
func isPyLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

func (d *document) bytes() []byte {
	n := 0
	for _, l := range d.lines {
		n += len(l.text) + len(l.eol)
	}
	var b bytes.Buffer
	b.Grow(n)
	for _, l := range d.lines {
		b.WriteString(l.text)
		b.WriteString(l.eol)
	}
	return b.Bytes()
}

// section returns the line range [start, end) of the section with exactly
// the given name (parseDocument refuses duplicates): start is its header,
// end the next header or the end.
func (d *document) section(name string) (start, end int, ok bool) {
	return d.sectionWhere(func(s string) bool { return s == name })
}

// sectionWhere returns the line range of the last section whose name
// matches, as botocore lets the last of several sections for one profile
// win.
func (d *document) sectionWhere(match func(string) bool) (start, end int, ok bool) {
	start = -1
	for i, l := range d.lines {
		if l.kind == headerLine && match(l.name) {
			start = i
		}
	}
	if start < 0 {
		return 0, 0, false
	}
	for end = start + 1; end < len(d.lines); end++ {
		if d.lines[end].kind == headerLine {
			break
		}
	}
	return start, end, true
}

// get returns the value of key in the section: the text after the first
// delimiter, trimmed, and its continuation lines, one per line.
func (d *document) get(start, end int, key string) (string, bool) {
	found := false
	var b strings.Builder
	for _, l := range d.lines[start+1 : end] {
		switch {
		case l.kind == keyLine && found:
			return b.String(), true
		case l.kind == keyLine && l.name == key:
			found = true
			t := pyStrip(l.text)
			b.WriteString(pyStrip(t[strings.IndexAny(t, "=:")+1:]))
		case l.kind == continuationLine && found:
			b.WriteString("\n" + pyStrip(l.text))
		}
	}
	return b.String(), found
}

type keyValue struct{ key, value string }

// update sets keys in the section [start, end) (adding a section named
// header at the end when ok is false) and removes others. An existing key
// keeps its place and its indentation; continuation lines of changed keys
// go. With onlyIfAbsent, keys that already exist are left alone. Values
// must be single-line text without white space at their ends.
func (d *document) update(start, end int, ok bool, header string, set []keyValue, remove []string, onlyIfAbsent bool) {
	if !ok {
		d.appendSection(header, set)
		return
	}
	want := map[string]string{}
	for _, kv := range set {
		want[kv.key] = kv.value
	}
	drop := map[string]bool{}
	for _, k := range remove {
		drop[k] = true
	}
	done := map[string]bool{}
	// The section is rebuilt on its own and spliced in, so an update
	// copies the section, not the file.
	out := make([]line, 0, end-start+len(set))
	out = append(out, d.lines[start])
	lastContent := 0 // where missing keys go: after the last key line
	indent := leading(d.lines[start].text)
	dropping := false // the continuation lines of a changed or removed key go
	for _, l := range d.lines[start+1 : end] {
		switch l.kind {
		case continuationLine:
			if dropping {
				continue
			}
		case keyLine:
			dropping = false
			v, owned := want[l.name]
			switch {
			case drop[l.name]:
				dropping = true
				continue
			case owned && onlyIfAbsent:
				done[l.name] = true
			case owned:
				done[l.name] = true
				l.text = leading(l.text) + l.name + " = " + v
				dropping = true
			}
			indent = leading(l.text)
		}
		out = append(out, l)
		if l.kind == keyLine || l.kind == continuationLine {
			lastContent = len(out) - 1
		}
	}
	// New keys take the indentation in force where they go, so that the
	// lines after them read as they did: after a key, that key's; in a
	// section without keys, enough that the next header stays a header.
	if lastContent == 0 {
		for _, l := range d.lines[end:] {
			if l.kind == headerLine {
				if in := leading(l.text); utf8.RuneCountInString(in) > utf8.RuneCountInString(indent) {
					indent = in
				}
				break
			}
		}
	}
	var missing []line
	for _, kv := range set {
		if !done[kv.key] {
			missing = append(missing, line{text: indent + kv.key + " = " + kv.value, eol: d.eol, kind: keyLine, name: kv.key, indent: utf8.RuneCountInString(indent)})
		}
	}
	if len(missing) > 0 && out[lastContent].eol == "" {
		out[lastContent].eol = d.eol
	}
	out = slices.Insert(out, lastContent+1, missing...)
	d.lines = slices.Replace(d.lines, start, end, out...)
}

func (d *document) appendSection(section string, set []keyValue) {
	if n := len(d.lines); n > 0 {
		if d.lines[n-1].eol == "" {
			d.lines[n-1].eol = d.eol
		}
		if d.lines[n-1].kind != blankLine {
			d.lines = append(d.lines, line{eol: d.eol, kind: blankLine})
		}
	}
	d.lines = append(d.lines, line{text: "[" + section + "]", eol: d.eol, kind: headerLine, name: section})
	for _, kv := range set {
		d.lines = append(d.lines, line{text: kv.key + " = " + kv.value, eol: d.eol, kind: keyLine, name: kv.key})
	}
}

// configProfile returns the profile a config-file section names for
// botocore (configloader.build_profile_map): "default", or the second word
// of a section whose name starts with "profile" and splits, as a shell
// would (shlex), into exactly two words. ok is false for other sections.
func configProfile(section string) (string, bool) {
	if section == "default" {
		return "default", true
	}
	if !strings.HasPrefix(section, "profile") {
		return "", false
	}
	words, err := shlexSplit(section)
	if err != nil || len(words) != 2 {
		return "", false
	}
	return words[1], true
}

// shlexSplit is Python's shlex.split in POSIX mode: words split at space,
// tab, CR and LF; single quotes keep everything; double quotes keep
// everything but a backslash before '"' or '\'; a backslash outside quotes
// keeps the next character.
func shlexSplit(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case r == '\\':
			if i+1 == len(rs) {
				return nil, fmt.Errorf("no escaped character")
			}
			i++
			w.WriteRune(rs[i])
			inWord = true
		case r == '\'' || r == '"':
			inWord = true
			closed := false
			for i++; i < len(rs); i++ {
				if rs[i] == r {
					closed = true
					break
				}
				if r == '"' && rs[i] == '\\' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\') {
					i++
				}
				w.WriteRune(rs[i])
			}
			if !closed {
				return nil, fmt.Errorf("no closing quotation")
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
