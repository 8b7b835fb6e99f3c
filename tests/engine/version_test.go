//go:build engine

package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIVersionFollowsTheWorkflows: the engine tests build the CLI the workflows deploy with; a
// tools module that pins another version stops them with both versions named.
func TestCLIVersionFollowsTheWorkflows(t *testing.T) {
	root := t.TempDir()
	write := func(path, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, path), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".pulumi-version", "3.274.1\n")
	write("tools/pulumicli/go.mod", "module x\n\ngo 1.26.7\n\nrequire github.com/pulumi/pulumi/pkg/v3 v3.276.0 // indirect\n")
	_, err := pinnedCLI(root)
	if err == nil || !strings.Contains(err.Error(), "builds the Pulumi CLI v3.276.0, but the workflows deploy with v3.274.1") {
		t.Fatalf("a mismatch must stop the engine tests, got %v", err)
	}
	if v, err := pinnedCLI(repoRoot); err != nil || v != cliVersion {
		t.Fatalf("the repository's own pins: %q, %v", v, err)
	}
}
