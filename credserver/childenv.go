package credserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// credentialVariables are the variables the SDKs read credentials or a
// profile from before a container endpoint: a child given the endpoint
// must not find any of them (PRODUCT.md §3, exec).
var credentialVariables = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
}

// ChildEnv is environ for a child that gets its credentials from the
// endpoint at url: every credential variable removed, the endpoint and
// token set, and, unless emptyCredentials is "", AWS_SHARED_CREDENTIALS_FILE
// pointed at that empty file, because the SDKs read the shared credentials
// file before a container endpoint and a [default] profile holding keys
// would silently win. The config file still applies.
func ChildEnv(environ []string, url, token, emptyCredentials string) []string {
	drop := map[string]bool{}
	for _, k := range credentialVariables {
		drop[k] = true
	}
	if emptyCredentials != "" {
		drop["AWS_SHARED_CREDENTIALS_FILE"] = true
	}
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	out = append(out, "AWS_CONTAINER_CREDENTIALS_FULL_URI="+url, "AWS_CONTAINER_AUTHORIZATION_TOKEN="+token)
	if emptyCredentials != "" {
		out = append(out, "AWS_SHARED_CREDENTIALS_FILE="+emptyCredentials)
	}
	return out
}

// EmptyCredentialsFile makes an empty, private credentials file in a new
// private directory under dir ("" for the system's temporary directory)
// and returns it with the function that removes it.
func EmptyCredentialsFile(dir string) (path string, remove func(), err error) {
	d, err := os.MkdirTemp(dir, "samlgo-exec-")
	if err != nil {
		return "", nil, fmt.Errorf("making the child's empty credentials file: %w", err)
	}
	path = filepath.Join(d, "credentials")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		os.RemoveAll(d)
		return "", nil, fmt.Errorf("making the child's empty credentials file: %w", err)
	}
	return path, func() { os.RemoveAll(d) }, nil
}
