package e2e

import (
	"os"
	"testing"
)

// TestMain removes the starter and workers binaries that binaries() built for this test
// binary (~150 MB each run; they piled up in the temporary directory).
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}
