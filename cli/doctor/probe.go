package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/samlgo/samlgo/child"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sts"
)

// exampleCredentials are the access key AWS documentation uses as an
// example: no account has them, so STS answers InvalidClientTokenId, and
// the answer's Date header is all the clock check needs.
var exampleCredentials = creds.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// ServerDate calls GetCallerIdentity, through the standard endpoint
// settings, with credentials no account has, and returns the Date header
// of the answer and the host that sent it.
func ServerDate(ctx context.Context, o sts.Options) (time.Time, string, error) {
	rec := &dateRecorder{base: http.DefaultTransport}
	o.HTTPClient = &http.Client{Transport: rec}
	c, err := sts.New(ctx, o)
	if err != nil {
		return time.Time{}, "", err
	}
	_, callErr := c.CallerIdentity(ctx, exampleCredentials)
	date, host := rec.last()
	if date.IsZero() {
		if callErr == nil {
			callErr = errors.New("its answer had no Date header")
		}
		return time.Time{}, host, callErr
	}
	return date, host, nil
}

// dateRecorder keeps the Date header of the last answer it carried.
type dateRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	date time.Time
	host string
}

func (d *dateRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := d.base.RoundTrip(r)
	if err == nil {
		if t, perr := http.ParseTime(resp.Header.Get("Date")); perr == nil {
			d.mu.Lock()
			d.date, d.host = t, r.URL.Host
			d.mu.Unlock()
		}
	}
	return resp, err
}

func (d *dateRecorder) last() (time.Time, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.date, d.host
}

// RunBrowser runs Chrome with args until it exits or ctx ends (then the
// whole process group is killed, Chrome's helpers included) and returns
// its standard output. A failure names the last line Chrome wrote to
// stderr.
func RunBrowser(ctx context.Context, exe string, args ...string) ([]byte, error) {
	cmd := child.Command(ctx, os.Environ(), exe, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("no answer within the time limit")
	}
	if err != nil {
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		last := strings.TrimSpace(lines[len(lines)-1])
		if len(last) > 160 {
			last = last[:160] + "…"
		}
		if last != "" {
			return nil, fmt.Errorf("%w (%s)", err, last)
		}
		return nil, err
	}
	return stdout.Bytes(), nil
}
