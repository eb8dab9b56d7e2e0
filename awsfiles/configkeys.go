package awsfiles

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// configKey is what a key written by SetConfigKeys may look like.
var configKey = regexp.MustCompile(`^[a-z0-9_]+$`)

// SetConfigKeys sets keys of a profile in the config file at path (adding
// the section when there is none), replacing their values and touching
// nothing else; the profile's section is the one botocore reads for it.
// Values must fit on one line.
func SetConfigKeys(ctx context.Context, path, profile string, keys [][2]string) error {
	if err := ValidProfileName(profile); err != nil {
		return err
	}
	set := make([]keyValue, len(keys))
	for i, kv := range keys {
		if !configKey.MatchString(kv[0]) {
			return fmt.Errorf("config key %q is not one the AWS CLI reads", kv[0])
		}
		if strings.ContainsAny(kv[1], "\r\n\x00") || strings.TrimSpace(kv[1]) != kv[1] || kv[1] == "" {
			return fmt.Errorf("the value of %s must be one line without edge spaces", kv[0])
		}
		set[i] = keyValue{kv[0], kv[1]}
	}
	return edit(ctx, path, false, func(doc *document) error {
		start, end, ok := doc.sectionWhere(func(s string) bool {
			p, ok := configProfile(s)
			return ok && p == profile
		})
		doc.update(start, end, ok, ConfigSection(profile), set, nil, false)
		return nil
	})
}
