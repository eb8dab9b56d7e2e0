package config

import (
	"reflect"
	"regexp"
	"strings"
	"sync"
)

// tableType is the struct a key path's last key belongs to (Config,
// Account or Selectors), from the toml tags, so the lists below cannot
// drift from the types: nil when the path leads nowhere known.
func tableType(path []string) reflect.Type {
	t := reflect.TypeOf(Config{})
	for i := 0; i < len(path)-1; i++ {
		f, ok := fieldByTag(t, path[i])
		if !ok {
			return nil
		}
		t = f.Type
		if t.Kind() == reflect.Map { // accounts.NAME, aliases.ID
			t = t.Elem()
			i++
		}
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
	}
	return t
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("toml"), ","); name == key && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// suggest is ` (did you mean "x"?)` for an unknown key one or two edits
// from a known key of the same table, else "".
func suggest(path []string) string {
	if len(path) == 0 {
		return ""
	}
	t := tableType(path)
	if t == nil {
		return ""
	}
	typo := strings.ToLower(path[len(path)-1])
	best, bestD := "", 3
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if d := distance(typo, name); d < bestD {
			best, bestD = name, d
		}
	}
	if best == "" {
		return ""
	}
	return ` (did you mean "` + best + `"?)`
}

// distance is the Levenshtein distance of two short keys.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var tomlKind = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`cannot decode TOML (\w+)`)
})

// typeMessage says in plain words what a key must hold, instead of
// go-toml's Go struct path ("config.Account.Headless of type *bool").
func typeMessage(path []string, raw string) string {
	got := "this value"
	if m := tomlKind().FindStringSubmatch(raw); m != nil {
		got = "a " + m[1]
		if m[1] == "integer" {
			got = "an integer"
		}
	}
	var ft reflect.Type
	if t := tableType(path); t != nil && len(path) > 0 {
		if f, ok := fieldByTag(t, path[len(path)-1]); ok {
			ft = f.Type
		}
	}
	if ft == nil {
		return "has the wrong type"
	}
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	want := "a different type"
	switch {
	case ft.Kind() == reflect.Bool:
		want = "true or false"
	case ft.Kind() == reflect.String:
		want = `a string in quotes ("…")`
	case ft.Kind() == reflect.Map || ft.Kind() == reflect.Struct:
		want = "a table ([" + strings.Join(path, ".") + "] with keys under it)"
	}
	return "is " + got + "; it must be " + want
}
