package creds

import (
	"strings"
)

// ShadowingVariables are the environment variables an AWS SDK or the AWS
// CLI would read credentials (or a profile naming them) from before, or
// instead of, AWS_ACCESS_KEY_ID…: a child given fresh credentials must not
// see them. AWS_SECURITY_TOKEN is the pre-2014 name of the session token;
// AWS_ACCESS_KEY and AWS_SECRET_KEY are the names boto2 and old SDKs read;
// the container, web identity and profile variables select other sources.
var ShadowingVariables = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
}

// ChildEnviron returns parent (KEY=value entries) without the
// ShadowingVariables, with the credentials, the region (when known) and
// extra (KEY=value) set: the environment of a process run with these
// credentials.
func (c Credentials) ChildEnviron(parent []string, region string, extra ...string) []string {
	return ReplaceEnviron(parent, append(c.Environ(region), extra...))
}

// ReplaceEnviron returns parent (KEY=value entries) without the
// ShadowingVariables and without the keys of set, then set: the
// environment of a child whose credentials come only from what set says.
func ReplaceEnviron(parent, set []string) []string {
	drop := map[string]bool{}
	for _, k := range ShadowingVariables {
		drop[k] = true
	}
	for _, kv := range set {
		k, _, _ := strings.Cut(kv, "=")
		drop[k] = true
	}
	out := make([]string, 0, len(parent)+len(set))
	for _, kv := range parent {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}

// ExportLines returns shell lines that set the credentials (and region)
// like Env, unset every other ShadowingVariables entry, and set extra
// (name, value pairs; values are quoted for the shell).
func (c Credentials) ExportLines(sh Shell, region string, extra [][2]string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(c.Env(sh, region), unsetLine(sh, "AWS_SECURITY_TOKEN")))
	for _, k := range ShadowingVariables {
		switch k {
		case "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION":
			if k != "AWS_CREDENTIAL_EXPIRATION" || !c.Expiration.IsZero() {
				continue
			}
		}
		b.WriteString(unsetLine(sh, k))
	}
	for _, kv := range extra {
		b.WriteString(setLine(sh, kv[0], kv[1]))
	}
	return b.String()
}

func unsetLine(sh Shell, k string) string {
	switch sh {
	case Fish:
		return "set -e " + k + ";\n"
	case PowerShell:
		return "Remove-Item Env:" + k + " -ErrorAction SilentlyContinue\n"
	case Cmd:
		return `set "` + k + "=\"\n"
	}
	return "unset " + k + "\n"
}
