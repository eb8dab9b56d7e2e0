package child

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
)

func TestEnvironDropsSecrets(t *testing.T) {
	got := Environ([]string{"PATH=/bin", "SAMLGO_PASSWORD=hunter2", "SAMLGO_CONFIG=/c", "samlgo_password=x", "HOME=/h"})
	if want := []string{"PATH=/bin", "SAMLGO_CONFIG=/c", "HOME=/h"}; !slices.Equal(got, want) {
		t.Errorf("Environ = %q, want %q", got, want)
	}
}

func TestOutputCapsStdout(t *testing.T) {
	out, err := Output(context.Background(), nil, io.Discard, 5, []string{os.Args[0], "--print", "0123456789"})
	if err != nil || string(out) != "01234" {
		t.Errorf("Output = %q, %v; want the first 5 bytes", out, err)
	}
}

// TestMain makes the test binary a child that prints, so the tests run
// where there is no sh (Windows): "TEST --print S" prints S.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "--print" {
		fmt.Println(os.Args[2])
		os.Exit(0)
	}
	os.Exit(m.Run())
}
