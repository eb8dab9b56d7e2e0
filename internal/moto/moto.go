// Package moto starts a moto_server (Python moto's AWS emulator) on
// 127.0.0.1 for tests.
package moto

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// Start runs moto_server on a free loopback port until the test ends and
// returns its URL. Without moto_server the test is skipped, or fails under
// CI=true, where .ci/run must have installed it.
func Start(t testing.TB) string {
	t.Helper()
	bin := testenv.Need(t, "moto_server", "it ships with the image (Python moto[server])")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=true")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.NewTimer(60 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
		select {
		case <-deadline.C:
			t.Fatalf("moto_server did not answer on %s within 60s", url)
		case <-tick.C:
		}
	}
}
