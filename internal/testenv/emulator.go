package testenv

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	// The driver registers itself as "snowflake".
	_ "github.com/snowflakedb/gosnowflake"
)

// Emu is one running bin/snowflake-emulator process with its own data directory.
type Emu struct {
	Port    int
	DataDir string
	home    string
	LogPath string
}

// EmulatorBinary returns the emulator binary: $SNOWMIGRATE_EMULATOR_BIN (the Makefile
// sets it after `make build`), else a fresh build of the emulator module (once per test
// binary, so a test never runs a stale emulator).
func EmulatorBinary(t testing.TB) string {
	t.Helper()
	bin, err := emulatorCommand("SNOWMIGRATE_EMULATOR_BIN", "snowflake-emulator")
	if err != nil {
		t.Fatalf("%v", err)
	}
	return bin
}

// Emulator starts a fresh emulator for this test, stopped when the test ends.
func Emulator(t testing.TB) *Emu {
	t.Helper()
	bin := EmulatorBinary(t)
	dir := t.TempDir()
	e := &Emu{DataDir: filepath.Join(dir, "data"), home: filepath.Join(dir, "snowflake-home"), LogPath: filepath.Join(dir, "emulator.log")}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken between probe and bind
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--addr", "127.0.0.1:"+strconv.Itoa(port), "--data-dir", e.DataDir,
			"--user", "local", "--password", "local")
		exited, err := startProc(cmd, e.LogPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := waitTCP("127.0.0.1:"+strconv.Itoa(port), 60*time.Second, exited); err != nil {
			lastErr = fmt.Errorf("%w: %s", err, tail(e.LogPath, 2000))
			_ = cmd.Process.Kill()
			continue
		}
		e.Port = port
		t.Cleanup(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
			}
		})
		if err := e.writeConnections(); err != nil {
			t.Fatal(err)
		}
		return e
	}
	t.Fatalf("start emulator: %v", lastErr)
	return nil
}

// Addr is host:port.
func (e *Emu) Addr() string { return "127.0.0.1:" + strconv.Itoa(e.Port) }

// DSN is a gosnowflake DSN for db and schema (either may be empty).
func (e *Emu) DSN(db, schema string) string {
	path := ""
	if db != "" {
		path = "/" + db
		if schema != "" {
			path += "/" + schema
		}
	}
	return fmt.Sprintf("local:local@%s%s?account=local&protocol=http&loginTimeout=30", e.Addr(), path)
}

// DB opens a database/sql handle, closed when the test ends.
func (e *Emu) DB(t testing.TB, db, schema string) *sql.DB {
	t.Helper()
	h, err := sql.Open("snowflake", e.DSN(db, schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// ConnectionName is the connection defined in SnowflakeHome's connections.toml.
func (e *Emu) ConnectionName() string { return "local" }

// SnowflakeHome is a directory holding connections.toml (mode 0600) with the "local"
// connection pointing at this emulator: set SNOWFLAKE_HOME to it.
func (e *Emu) SnowflakeHome() string { return e.home }

func (e *Emu) writeConnections() error {
	if err := os.MkdirAll(e.home, 0o700); err != nil {
		return err
	}
	body := fmt.Sprintf(`[local]
account = "local"
user = "local"
password = "local"
host = "127.0.0.1"
port = %d
protocol = "http"
`, e.Port)
	return os.WriteFile(filepath.Join(e.home, "connections.toml"), []byte(body), 0o600)
}
