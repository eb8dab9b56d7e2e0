package awsfiles

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Section kinds of the config file besides profiles, as botocore's
// configloader.build_profile_map groups them.
const (
	KindProfile    = "profile"
	KindSSOSession = "sso-session"
)

// ConfigKeys are the keys of one config-file section, lower-cased as
// botocore reads them; a value that goes on in continuation lines keeps
// them, one per line.
type ConfigKeys map[string]string

// sectionOf returns the name a config section gives to kind: for
// profiles, as configProfile; for "sso-session", the second word of a
// section whose name starts with "sso-session" and splits (shlex) into
// exactly two words.
func sectionOf(section, kind string) (string, bool) {
	if kind == KindProfile {
		return configProfile(section)
	}
	if !strings.HasPrefix(section, kind) {
		return "", false
	}
	words, err := shlexSplit(section)
	if err != nil || len(words) != 2 || words[0] != kind {
		return "", false
	}
	return words[1], true
}

// ReadConfigSection returns the keys of the config-file section botocore
// reads for a profile (kind KindProfile) or an sso-session
// (KindSSOSession); ok is false when there is none. A missing file has
// no sections; a file that does not parse as the AWS CLI parses it is a
// *FileError.
func ReadConfigSection(path, kind, name string) (keys ConfigKeys, ok bool, err error) {
	doc, _, err := load(path)
	if err != nil {
		return nil, false, err
	}
	return doc.configKeys(kind, name)
}

// ParseConfigSection is ReadConfigSection on the bytes of a config file.
func ParseConfigSection(b []byte, kind, name string) (ConfigKeys, bool, error) {
	doc, err := parseDocument(b)
	if err != nil {
		return nil, false, err
	}
	return doc.configKeys(kind, name)
}

func (d *document) configKeys(kind, name string) (ConfigKeys, bool, error) {
	start, end, ok := d.sectionWhere(func(s string) bool {
		n, ok := sectionOf(s, kind)
		return ok && n == name
	})
	if !ok {
		return nil, false, nil
	}
	keys := ConfigKeys{}
	for _, l := range d.lines[start+1 : end] {
		if l.kind == keyLine {
			if _, seen := keys[l.name]; !seen {
				keys[l.name], _ = d.get(start, end, l.name)
			}
		}
	}
	return keys, true, nil
}

// configKeyName is what a key written by SetConfigKeys may look like.
var configKeyName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_]+$`) })

// configValue is what SetConfigKeys writes: one line of printable text
// without white space at its ends and without brackets that could start
// a section.
var configValue = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[^\s\x00-\x1f\x7f\[\]]([^\x00-\x1f\x7f\[\]]*[^\s\x00-\x1f\x7f\[\]])?$`)
})

// validConfigValue: one line of printable UTF-8 text (botocore reads the
// file as UTF-8) that cannot start a section.
func validConfigValue(v string) bool {
	return utf8.ValidString(v) && configValue().MatchString(v) && !strings.ContainsFunc(v, isPyLineBreak)
}

// SetConfigKeys sets keys in the config-file section of a profile or an
// sso-session, adding the section when there is none; other keys and
// sections keep their bytes. The write is locked and atomic (see edit).
func SetConfigKeys(ctx context.Context, path, kind, name string, set [][2]string) error {
	if err := ValidProfileName(name); err != nil {
		return err
	}
	kvs := make([]keyValue, len(set))
	for i, kv := range set {
		if !configKeyName().MatchString(kv[0]) {
			return fmt.Errorf("config key %q is not one the AWS CLI reads", kv[0])
		}
		if !validConfigValue(kv[1]) {
			return fmt.Errorf("value of %s for %s %q is not a single line of printable text", kv[0], kind, name)
		}
		kvs[i] = keyValue{kv[0], kv[1]}
	}
	header := ConfigSection(name)
	if kind != KindProfile {
		header = kind + " " + name
	}
	return edit(ctx, path, false, func(doc *document) error {
		start, end, ok := doc.sectionWhere(func(s string) bool {
			n, ok := sectionOf(s, kind)
			return ok && n == name
		})
		doc.update(start, end, ok, header, kvs, nil, false)
		return nil
	})
}
