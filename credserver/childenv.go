package credserver

import (
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/samlgo/samlgo/creds"
)

// ChildEnv is environ for a child that gets its credentials from the
// endpoint at url: every variable an SDK would read first removed
// (creds.ShadowingVariables), the endpoint, its token and extra (KEY=value)
// set, and, unless emptyCredentials is "", AWS_SHARED_CREDENTIALS_FILE
// pointed at that empty file, because the SDKs read the shared credentials
// file before a container endpoint and a [default] profile holding keys
// would silently win. The config file still applies.
func ChildEnv(environ []string, url, token, emptyCredentials string, extra ...string) []string {
	set := []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + url, "AWS_CONTAINER_AUTHORIZATION_TOKEN=" + token}
	if emptyCredentials != "" {
		set = append(set, "AWS_SHARED_CREDENTIALS_FILE="+emptyCredentials)
	}
	return creds.ReplaceEnviron(environ, append(set, extra...))
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

// URL is the endpoint URL a program on this machine uses for a listener's
// address: a wildcard address is reached through the loopback, the only
// plain-http host the SDKs accept besides the ECS and EKS link-local ones.
func URL(addr net.Addr) string {
	host, port := "127.0.0.1", ""
	if ta, ok := addr.(*net.TCPAddr); ok {
		port = fmt.Sprint(ta.Port)
		if ta.IP.IsLoopback() {
			host = ta.IP.String()
			if ta.IP.To4() == nil {
				host = "[" + host + "]"
			}
		}
	}
	return "http://" + host + ":" + port + "/"
}
