//go:build unix

package child

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// TestCancelEndsGrandchildHoldingStdout: a credential_process that left a
// grandchild holding its stdout (sh -c "sleep 30; echo") kept samlgo
// waiting after SIGTERM: no WaitDelay, no process group (issue 14).
func TestCancelEndsGrandchildHoldingStdout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := Output(ctx, os.Environ(), io.Discard, 1024, []string{"sh", "-c", "sleep 31.25 & sleep 31.5; echo"})
		done <- err
	}()
	testenv.Pause(t.Context(), 300*time.Millisecond) // let the shell start its children
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Output = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Output still waiting 5 s after cancel")
	}
	t.Logf("ended %v after start", time.Since(start).Round(time.Millisecond))
	if pids := testenv.LiveProcesses([]string{"sleep", "31.25"}, []string{"sleep", "31.5"}); len(pids) > 0 {
		t.Errorf("processes left running: %v", pids)
	}
}
