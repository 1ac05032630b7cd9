package engine

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultIdleCheckpointBytes is the write-ahead log size from which an idle engine
// checkpoints.
const DefaultIdleCheckpointBytes = 64 << 20

// Idle checkpoints. The database is opened with checkpoint_threshold=1GB (engine.go:
// DuckDB's 16 MB default checkpointed in the middle of bulk loads), so DuckDB's own
// checkpoint lands on whichever client COMMIT crosses 1 GB of log: that commit then
// waits for the whole checkpoint (two MERGEs took 1.2 s when it did), and a restart
// replays up to 1 GB of log first. The engine checkpoints instead when it is idle: no
// statement running and none for idleCheckpointQuiet, with a log of at least
// IdleCheckpointBytes. CHECKPOINT (never FORCE CHECKPOINT) fails at once while another
// transaction has written, so an open client transaction is never aborted or waited
// for; the next idle moment tries again. A statement that starts during the checkpoint
// waits for it, as it would for DuckDB's own.
const (
	idleCheckpointTick  = 500 * time.Millisecond
	idleCheckpointQuiet = time.Second
)

type checkpointer struct {
	done     chan struct{}
	wg       sync.WaitGroup
	tries    atomic.Int64 // CHECKPOINT statements run (for tests)
	finished atomic.Int64 // of which succeeded
}

// startIdleCheckpoints starts the idle checkpointer for the log at wal.
func (e *Engine) startIdleCheckpoints(wal string) {
	limit := e.opts.IdleCheckpointBytes
	if limit == 0 {
		limit = DefaultIdleCheckpointBytes
	}
	e.lastStmtEnd.Store(time.Now().UnixNano())
	c := &e.checkpointRun
	c.done = make(chan struct{})
	if limit < 0 {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		tick := time.NewTicker(idleCheckpointTick)
		defer tick.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-tick.C:
			}
			if e.activeStmts.Load() > 0 || time.Since(time.Unix(0, e.lastStmtEnd.Load())) < idleCheckpointQuiet {
				continue
			}
			if fi, err := os.Stat(wal); err != nil || fi.Size() < limit {
				continue
			}
			c.tries.Add(1)
			if _, err := e.db.ExecContext(context.Background(), "CHECKPOINT"); err == nil {
				c.finished.Add(1)
			}
		}
	}()
}

// stop ends the checkpointer and waits for a checkpoint in progress.
func (c *checkpointer) stop() {
	if c.done != nil {
		close(c.done)
	}
	c.wg.Wait()
}
