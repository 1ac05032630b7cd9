package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// emulatorBuild is one emulator command built at most once per test binary.
type emulatorBuild struct {
	once sync.Once
	bin  string
	err  error
}

var (
	emulatorBuildsMu sync.Mutex
	emulatorBuilds   = map[string]*emulatorBuild{}
)

// emulatorCommand returns the binary of the emulator module's cmd/<name>: the path in
// $<env> when it exists (the Makefile sets it after `make build`), else a fresh build
// (once per test binary, so a test never runs a stale server).
func emulatorCommand(env, name string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	emulatorBuildsMu.Lock()
	b := emulatorBuilds[name]
	if b == nil {
		b = &emulatorBuild{}
		emulatorBuilds[name] = b
	}
	emulatorBuildsMu.Unlock()
	b.once.Do(func() {
		root, err := repoRoot()
		if err != nil {
			b.err = err
			return
		}
		if _, err := os.Stat(filepath.Join(root, "emulator", "cmd", name)); err != nil {
			b.err = fmt.Errorf("no emulator/cmd/%s in this checkout", name)
			return
		}
		dir, err := os.MkdirTemp("", "snowmigrate-"+name+"-")
		if err != nil {
			b.err = err
			return
		}
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, "./cmd/"+name)
		cmd.Dir = filepath.Join(root, "emulator")
		if o, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("build %s: %w: %s", name, err, o)
			return
		}
		b.bin = out
	})
	return b.bin, b.err
}
