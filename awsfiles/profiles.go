package awsfiles

import (
	"fmt"
	"sort"
)

// ConfigProfile returns the keys of a profile in the shared config file at
// path as botocore reads them: the section "[default]" for "default", else
// "[profile NAME]" in any spelling botocore's shell-style split accepts;
// the last such section wins, as in botocore's build_profile_map. Keys are
// lower-case; a value that spans continuation lines keeps its newlines.
// ok is false when the file or the profile is missing. A file that does
// not parse is a *FileError.
func ConfigProfile(path, profile string) (keys map[string]string, ok bool, err error) {
	doc, _, err := load(path)
	if err != nil {
		return nil, false, err
	}
	start, end, found := doc.sectionWhere(func(s string) bool {
		p, ok := configProfile(s)
		return ok && p == profile
	})
	if !found {
		return nil, false, nil
	}
	return doc.keys(start, end), true, nil
}

// CredentialsProfile returns the keys of a profile in the shared
// credentials file at path ("[NAME]", exactly), like ConfigProfile.
func CredentialsProfile(path, profile string) (keys map[string]string, ok bool, err error) {
	doc, _, err := load(path)
	if err != nil {
		return nil, false, err
	}
	start, end, found := doc.section(profile)
	if !found {
		return nil, false, nil
	}
	return doc.keys(start, end), true, nil
}

// ConfigProfileNames lists the profiles the config file at path defines,
// sorted.
func ConfigProfileNames(path string) ([]string, error) {
	return ConfigSectionNames(path, KindProfile)
}

// ConfigSectionNames lists the names the config file at path gives to
// sections of a kind (KindProfile, KindSSOSession), sorted.
func ConfigSectionNames(path, kind string) ([]string, error) {
	return sectionNames(path, func(section string) (string, bool) { return sectionOf(section, kind) })
}

// CredentialsProfileNames lists the profiles the credentials file at path
// defines, sorted.
func CredentialsProfileNames(path string) ([]string, error) {
	return sectionNames(path, func(section string) (string, bool) { return section, true })
}

func sectionNames(path string, name func(section string) (string, bool)) ([]string, error) {
	doc, _, err := load(path)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, l := range doc.lines {
		if l.kind != headerLine {
			continue
		}
		if p, ok := name(l.name); ok && !seen[p] {
			seen[p] = true
			names = append(names, p)
		}
	}
	sort.Strings(names)
	return names, nil
}

// SplitCommand splits a credential_process value into the program and its
// arguments as botocore does (shlex.split in POSIX mode, no shell).
func SplitCommand(s string) ([]string, error) {
	words, err := shlexSplit(s)
	if err != nil {
		return nil, fmt.Errorf("credential_process %q: %w", s, err)
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("credential_process is empty")
	}
	return words, nil
}

// keys returns every key of the section [start, end) with its value.
func (d *document) keys(start, end int) map[string]string {
	out := map[string]string{}
	for _, l := range d.lines[start+1 : end] {
		if l.kind == keyLine {
			if v, ok := d.get(start, end, l.name); ok {
				out[l.name] = v
			}
		}
	}
	return out
}
