package exec

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMain makes the test binary the child the exec tests run, so they run
// where there is no sh (Windows): "TEST --child N VAR..." prints the named
// variables (none when unset), space-separated, and exits with N.
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "--child" {
		code, _ := strconv.Atoi(os.Args[2])
		vals := make([]string, 0, len(os.Args)-3)
		for _, k := range os.Args[3:] {
			v, ok := os.LookupEnv(k)
			if !ok {
				v = "none"
			}
			vals = append(vals, v)
		}
		fmt.Println(strings.Join(vals, " "))
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// selfChild is the command line of a child that prints vars and exits code.
func selfChild(code int, vars ...string) []string {
	return append([]string{os.Args[0], "--child", strconv.Itoa(code)}, vars...)
}
