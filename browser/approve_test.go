package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// approvalServer serves an approval page whose Allow button goes to
// /callback, and a page that never moves on.
func approvalServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/approve":
			fmt.Fprint(w, `<!doctype html><form action="/callback"><button id="allow" type="submit">Allow</button></form>`)
		case "/callback":
			fmt.Fprint(w, `<!doctype html>done`)
		default:
			fmt.Fprint(w, `<!doctype html>waiting forever`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func approval(t *testing.T, url string) Approval {
	if chromePath == "" {
		testenv.Require(t, "Chromium", errors.New("not found"), "install chromium")
	}
	return Approval{
		Options: Options{ExecPath: chromePath, URL: url, ProfileDir: filepath.Join(t.TempDir(), "profile"), Headless: true, NoSandbox: os.Geteuid() == 0},
		Done:    func(u string) bool { return strings.Contains(u, "/callback") },
	}
}

func TestApprovePressesAllow(t *testing.T) {
	srv := approvalServer(t)
	a := approval(t, srv.URL+"/approve")
	a.Click = []string{"#allow"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := Approve(ctx, a); err != nil {
		t.Fatal(err)
	}
	if n := len(Processes(a.ProfileDir)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}
}

// TestApproveStallsHeadless: a headless approval no one can answer ends
// with a *StallError instead of waiting out the 10-minute limit.
func TestApproveStallsHeadless(t *testing.T) {
	srv := approvalServer(t)
	a := approval(t, srv.URL+"/never")
	a.StallAfter = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var se *StallError
	if err := Approve(ctx, a); !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *StallError", err)
	}
	if n := len(Processes(a.ProfileDir)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}
}

// TestApproveCancel: ending ctx (the code arrived another way, Ctrl-C)
// closes Chrome promptly.
func TestApproveCancel(t *testing.T) {
	srv := approvalServer(t)
	a := approval(t, srv.URL+"/never")
	ctx, cancel := context.WithCancel(context.Background())
	a.Status = func(string) { time.AfterFunc(500*time.Millisecond, cancel) }
	start := time.Now()
	if err := Approve(ctx, a); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %s", d)
	}
	if n := len(Processes(a.ProfileDir)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}
}
