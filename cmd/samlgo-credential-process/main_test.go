package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestFindsSamlgoBeside: on Windows the fast program looked for "samlgo"
// with an execute bit beside it, and never found samlgo.exe (issue 16).
func TestFindsSamlgoBeside(t *testing.T) {
	dir := t.TempDir()
	if _, ok := besideIn(dir); ok {
		t.Fatal("found samlgo in an empty folder")
	}
	name := "samlgo"
	if runtime.GOOS == "windows" {
		name = "samlgo.exe"
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, ok := besideIn(dir); !ok || p != filepath.Join(dir, name) {
		t.Errorf("besideIn = %q, %v; want %s", p, ok, name)
	}
}
