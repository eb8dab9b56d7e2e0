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
func BenchmarkWriteCredentials(b *testing.B) { benchWrite(b, 50) }

// BenchmarkWriteCredentials1000Sections and …100000Sections pin issue 7
// (item 10): with gopkg.in/ini a write was quadratic in the number of
// sections (150,000 took 73 s and 573 MB). A write now parses the file
// once, in linear time.
func BenchmarkWriteCredentials1000Sections(b *testing.B) { benchWrite(b, 1000) }

func BenchmarkWriteCredentials100000Sections(b *testing.B) { benchWrite(b, 100000) }

func benchWrite(b *testing.B, sections int) {
	path := filepath.Join(b.TempDir(), "credentials")
	var sb strings.Builder
	for i := 0; i < sections; i++ {
		fmt.Fprintf(&sb, "[p%d]\naws_access_key_id = ASIA%d\naws_secret_access_key = s\naws_session_token = %s\n\n", i, i, strings.Repeat("t", 800))
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	ctx := context.Background()
	i := 0
	for b.Loop() {
		// A new key id each time, so every iteration really writes.
		c := sample(fmt.Sprintf("ASIA%d", i%1000000))
		i++
		if err := WriteCredentials(ctx, path, []Profile{{Name: "saml", Credentials: c}}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteScalesLinearly: issue 7 (item 10) — gopkg.in/ini's NewSection
// made a write quadratic in the number of sections. Parsing 20,000
// sections must cost about 10× parsing 2,000, not 100×.
func TestWriteScalesLinearly(t *testing.T) {
	file := func(n int) []byte {
		var sb strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&sb, "[p%d]\naws_access_key_id = ASIA%d\n\n", i, i)
		}
		return []byte(sb.String())
	}
	small, big := file(2000), file(20000)
	cost := func(b []byte) float64 {
		r := testing.Benchmark(func(tb *testing.B) {
			for tb.Loop() {
				d, err := parseDocument(b)
				if err != nil {
					tb.Fatal(err)
				}
				s, e, ok := d.section("saml")
				d.update(s, e, ok, "saml", []keyValue{{"k", "v"}}, nil, false)
				_ = d.bytes()
			}
		})
		return float64(r.NsPerOp())
	}
	if ratio := cost(big) / cost(small); ratio > 40 {
		t.Errorf("10× the sections cost %.0f× the time: not linear", ratio)
	}
}
