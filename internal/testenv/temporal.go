package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// TemporalServer is a `temporal server start-dev` process (in-memory, headless).
type TemporalServer struct {
	port int
	log  string
}

var (
	tpOnce sync.Once
	tpInst *TemporalServer
	tpErr  error
	tpMiss bool
)

// SearchAttributes are registered at start (the workers also register them when missing).
var SearchAttributes = []string{"MigrationName=Keyword", "SourcePlatform=Keyword", "MigrationTable=Keyword"}

// DevServerDynamicConfig are the dev server's --dynamic-config-value settings (the same
// as scripts/lib.sh's). The dev server has one history shard, whose transfer queue
// (activity and workflow tasks, child starts on their way to matching) is read at most
// history.transferProcessorMaxPollRPS = 20 times a second by default, about once per new
// task: past a burst of 20 reads, every task of every workflow waited for the next 50 ms
// tick (40-50 ms from ActivityTaskScheduled to ActivityTaskStarted and from
// WorkflowTaskScheduled to WorkflowTaskStarted, ~35 % of a 1 s table re-sync). One
// task-queue partition instead of 4: a task scheduled while every worker slot is busy
// goes to a partition's backlog, and with 4 partitions it waited up to ~1.3 s after a
// slot freed for a poll to reach its partition (seen in BenchmarkResync's timeline).
var DevServerDynamicConfig = []string{"history.transferProcessorMaxPollRPS=1000", "matching.numTaskqueueReadPartitions=1", "matching.numTaskqueueWritePartitions=1"}

// TemporalBinary finds the temporal CLI: $TEMPORAL_BIN, PATH, then ~/go/bin.
func TemporalBinary() string {
	home, _ := os.UserHomeDir()
	return findBinary(os.Getenv("TEMPORAL_BIN"), "temporal", filepath.Join(home, "go", "bin", "temporal"))
}

// Temporal returns the test binary's shared dev server.
func Temporal(t testing.TB) *TemporalServer {
	t.Helper()
	tpOnce.Do(func() {
		bin := TemporalBinary()
		if bin == "" {
			tpMiss = true
			return
		}
		tpInst, tpErr = startTemporal(bin)
	})
	if tpMiss {
		missing(t, "the temporal CLI (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)")
	}
	if tpErr != nil {
		t.Fatalf("start temporal dev server: %v", tpErr)
	}
	return tpInst
}

func startTemporal(bin string) (*TemporalServer, error) {
	SweepStale("", "snowmigrate-temporal-", 30*time.Minute) // a live server works in its directory
	dir, err := os.MkdirTemp("", "snowmigrate-temporal-")
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
			"--headless", "--log-level", "error"}
		for _, sa := range SearchAttributes {
			args = append(args, "--search-attribute", sa)
		}
		for _, kv := range DevServerDynamicConfig {
			args = append(args, "--dynamic-config-value", kv)
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir // so that SweepStale sees the directory in use
		logPath := filepath.Join(dir, "temporal.log")
		exited, err := startProc(cmd, logPath)
		if err != nil {
			return nil, err
		}
		tp := &TemporalServer{port: port, log: logPath}
		if err := tp.waitReady(exited); err != nil {
			lastErr = fmt.Errorf("%w: %s", err, tail(logPath, 2000))
			_ = cmd.Process.Kill()
			continue
		}
		return tp, nil
	}
	return nil, lastErr
}

func (tp *TemporalServer) waitReady(exited <-chan struct{}) error {
	if err := waitTCP(tp.Address(), 90*time.Second, exited); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := client.Dial(client.Options{HostPort: tp.Address(), Namespace: tp.Namespace()})
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			cancel()
			c.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporal not healthy: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Address is host:port of the frontend.
func (tp *TemporalServer) Address() string { return "127.0.0.1:" + strconv.Itoa(tp.port) }

// Namespace is the dev server's default namespace.
func (tp *TemporalServer) Namespace() string { return "default" }

// Client dials the dev server; closed when the test ends.
func (tp *TemporalServer) Client(t testing.TB) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: tp.Address(), Namespace: tp.Namespace()})
	if err != nil {
		t.Fatalf("dial temporal: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}
