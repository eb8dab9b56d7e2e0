package awsfiles

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkWriteCredentials measures one locked, atomic profile update in a
// credentials file holding 50 other profiles.
func BenchmarkWriteCredentials(b *testing.B) {
	path := filepath.Join(b.TempDir(), "credentials")
	var sb strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&sb, "[p%d]\naws_access_key_id = ASIA%d\naws_secret_access_key = s\naws_session_token = %s\n\n", i, i, strings.Repeat("t", 800))
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if err := WriteCredentials(ctx, path, []Profile{{"saml", sample("ASIA1")}}); err != nil {
			b.Fatal(err)
		}
	}
}
