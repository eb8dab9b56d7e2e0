//go:build unix

package credserver

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
)

// floodConns is how many silent connections the flood test opens: 20,000,
// as seen, or what this process may open when it cannot raise its limit.
func floodConns(t *testing.T) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	want := uint64(20000 + 1024)
	if lim.Cur < want {
		raised := syscall.Rlimit{Cur: want, Max: max(lim.Max, want)}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			raised = syscall.Rlimit{Cur: lim.Max, Max: lim.Max}
			_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised)
		}
		t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim) })
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &raised)
		if raised.Cur < want {
			n := int(raised.Cur) - 1024
			t.Logf("RLIMIT_NOFILE is %d: %d connections instead of 20000", raised.Cur, n)
			return n
		}
	}
	return 20000
}

// TestFloodOfSilentConnections: clients without the token held ~20,000
// keep-alive connections, the server logged "accept4: too many open files"
// and requests with the token timed out (issue 14). Now the oldest silent
// connection makes room for a new one, and a client with the token is
// answered in the middle of the flood.
func TestFloodOfSilentConnections(t *testing.T) {
	n := floodConns(t)
	token, addr := serveIssued(t)
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for len(conns) < n && time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("dial %d: %v", len(conns), err)
		}
		conns = append(conns, c)
	}
	if len(conns) < n {
		t.Fatalf("only %d connections within 2 minutes", len(conns))
	}

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	req.Header.Set("Authorization", token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("request with the token during the flood: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), issued.AccessKeyID) {
		t.Fatalf("request with the token: %d %s", resp.StatusCode, body)
	}
}

// TestNoTokenClosesConnection: a request without the token is answered and
// its connection closed, so it cannot stay for keep-alive (issue 14).
func TestNoTokenClosesConnection(t *testing.T) {
	_, addr := serveIssued(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 401 || !resp.Close {
		t.Fatalf("status %d, close %v; want 401 and Connection: close", resp.StatusCode, resp.Close)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after the answer the connection gave %v, want EOF (closed)", err)
	}
}

// serveIssued runs Serve on a loopback port until the test ends, answering
// issued; it returns the token and the address.
func serveIssued(t *testing.T) (token, addr string) {
	token, _ = NewToken()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- (&Server{Token: token, Credentials: func(context.Context) (creds.Credentials, error) { return issued, nil }}).Serve(ctx, ln)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return token, ln.Addr().String()
}
