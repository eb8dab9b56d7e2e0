// Package awsfiles edits the AWS shared credentials and config files in
// place, keeping every byte it does not own.
package awsfiles

import (
	"bytes"
	"fmt"
	"strings"
)

// The files are INI as botocore reads them (Python configparser, raw mode):
// "[section]" headers, "key = value" or "key: value" lines, '#' and ';'
// comment lines, and indented continuation lines that belong to the key
// above them (the config file's nested "s3 =" blocks). Keys compare
// case-insensitively. samlgo changes only the lines of the keys it owns in
// the one section it writes; everything else keeps its bytes, order and
// line endings.

type lineKind int

const (
	blankLine lineKind = iota
	commentLine
	headerLine
	keyLine
	continuationLine
)

type line struct {
	text string // without its line ending
	eol  string // "\n", "\r\n" or "" for a last line without one
	kind lineKind
	name string // section name (headerLine) or lower-case key (keyLine)
}

// document is an INI file split into lines, ready for surgical edits.
type document struct {
	lines []line
	eol   string // the ending used for lines samlgo adds
}

// SyntaxError reports a line that botocore could not read either.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func parseDocument(b []byte) (*document, error) {
	d := &document{eol: "\n"}
	if bytes.Contains(b, []byte("\r\n")) {
		d.eol = "\r\n"
	}
	s := string(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))
	inSection, inKey := false, false
	for n := 1; s != ""; n++ {
		var l line
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			l.text, l.eol, s = s[:i], "\n", s[i+1:]
			if strings.HasSuffix(l.text, "\r") {
				l.text, l.eol = l.text[:len(l.text)-1], "\r\n"
			}
		} else {
			l.text, s = s, ""
		}
		trimmed := strings.TrimSpace(l.text)
		indented := trimmed != "" && (l.text[0] == ' ' || l.text[0] == '\t')
		switch {
		case trimmed == "":
			l.kind = blankLine
		case strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";"):
			l.kind = commentLine
		case indented && inKey:
			l.kind = continuationLine
		case strings.HasPrefix(trimmed, "[") && !indented:
			end := strings.LastIndexByte(trimmed, ']')
			if end < 0 {
				return nil, &SyntaxError{n, "section header without a closing ']'"}
			}
			l.kind, l.name = headerLine, strings.TrimSpace(trimmed[1:end])
			if l.name == "" {
				return nil, &SyntaxError{n, "empty section name"}
			}
			inSection, inKey = true, false
		default:
			i := strings.IndexAny(trimmed, "=:")
			if i <= 0 {
				return nil, &SyntaxError{n, "neither a [section], a key = value pair nor a comment"}
			}
			if !inSection {
				return nil, &SyntaxError{n, "key outside any [section]"}
			}
			l.kind, l.name = keyLine, strings.ToLower(strings.TrimSpace(trimmed[:i]))
			inKey = true
		}
		d.lines = append(d.lines, l)
	}
	return d, nil
}

func (d *document) bytes() []byte {
	var b bytes.Buffer
	for _, l := range d.lines {
		b.WriteString(l.text)
		b.WriteString(l.eol)
	}
	return b.Bytes()
}

// section returns the line range [start, end) of the first section with
// the given name: start is its header, end the next header or the end.
func (d *document) section(name string) (start, end int, ok bool) {
	start = -1
	for i, l := range d.lines {
		if l.kind != headerLine {
			continue
		}
		if start >= 0 {
			return start, i, true
		}
		if l.name == name {
			start = i
		}
	}
	if start < 0 {
		return 0, 0, false
	}
	return start, len(d.lines), true
}

// get returns the value of key in the section, the raw text after the
// first delimiter, trimmed; continuation lines are not part of it.
func (d *document) get(section, key string) (string, bool) {
	start, end, ok := d.section(section)
	if !ok {
		return "", false
	}
	for _, l := range d.lines[start+1 : end] {
		if l.kind == keyLine && l.name == key {
			t := strings.TrimSpace(l.text)
			return strings.TrimSpace(t[strings.IndexAny(t, "=:")+1:]), true
		}
	}
	return "", false
}

type keyValue struct{ key, value string }

// update sets keys in a section (adding the section at the end when it is
// missing) and removes others. An existing key keeps its place; duplicates
// and continuation lines of changed keys go. With onlyIfAbsent, keys that
// already exist are left alone.
func (d *document) update(section string, set []keyValue, remove []string, onlyIfAbsent bool) {
	start, end, ok := d.section(section)
	if !ok {
		d.appendSection(section, set)
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
	out := append([]line(nil), d.lines[:start+1]...)
	lastContent := len(out) - 1 // where missing keys go: after the last key line
	dropping := false
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
			case drop[l.name] || owned && done[l.name]:
				dropping = true
				continue
			case owned && onlyIfAbsent:
				done[l.name] = true
			case owned:
				done[l.name] = true
				l.text = l.name + " = " + v
				dropping = true // the old value's continuation lines go with it
			}
		default:
			dropping = false
		}
		out = append(out, l)
		if l.kind == keyLine || l.kind == continuationLine {
			lastContent = len(out) - 1
		}
	}
	var missing []line
	for _, kv := range set {
		if !done[kv.key] {
			missing = append(missing, line{text: kv.key + " = " + kv.value, eol: d.eol, kind: keyLine, name: kv.key})
		}
	}
	if len(missing) > 0 && out[lastContent].eol == "" {
		out[lastContent].eol = d.eol
	}
	tail := append([]line(nil), out[lastContent+1:]...)
	out = append(append(out[:lastContent+1], missing...), tail...)
	d.lines = append(out, d.lines[end:]...)
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
