package workflows

import (
	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"go.temporal.io/sdk/workflow"
)

// mirror batches partition state changes for the PARTITION_METADATA table. A Snowflake
// statement costs ~100 ms and an activity ~3 history events, so writing per event would
// make the mirror the bottleneck and the history three times longer. Updates are
// coalesced per partition (only the latest state of a partition in a batch is written)
// and flushed when a batch is full, when an error should become visible, before
// continue-as-new and at the end.
//
// The mirror is a view for dashboards; Temporal is the source of truth. A batch that
// cannot be written after bounded retries is dropped and noted, never allowed to fail
// the table.
type mirror struct {
	base    snowflakeapi.RecordPartitionsInput // everything but Updates
	batch   int
	lim     Limits
	pending []snowflakeapi.PartitionUpdate
	index   map[int]int // partition number → position in pending
	urgent  bool
	flushes int
	dropped int
	lastErr string
}

func newMirror(base snowflakeapi.RecordPartitionsInput, lim Limits) *mirror {
	return &mirror{base: base, batch: lim.MirrorBatch, lim: lim, index: map[int]int{}}
}

// add records a partition's new state; urgent asks for a flush at the next chance.
func (m *mirror) add(ctx workflow.Context, p migration.Partition, status string, rows, bytes int64, attempts int, errText string) {
	u := snowflakeapi.PartitionUpdate{
		Number: p.Number, Partition: p, Status: status, Rows: rows, Bytes: bytes,
		Attempts: attempts, Error: truncate(errText, 2000), At: workflow.Now(ctx),
	}
	if i, ok := m.index[p.Number]; ok {
		m.pending[i] = u
	} else {
		m.index[p.Number] = len(m.pending)
		m.pending = append(m.pending, u)
	}
	if status == migration.StatusFailed {
		m.urgent = true
	}
}

// due tells whether a flush should happen now.
func (m *mirror) due() bool {
	return len(m.pending) >= m.batch || (m.urgent && len(m.pending) > 0)
}

// flush writes everything pending, one batch per call of the activity. Updates added
// while a batch is being written wait for the next flush.
func (m *mirror) flush(ctx workflow.Context) {
	for len(m.pending) > 0 {
		n := min(len(m.pending), m.batch)
		in := m.base
		in.Updates = append([]snowflakeapi.PartitionUpdate(nil), m.pending[:n]...)
		m.pending = append([]snowflakeapi.PartitionUpdate(nil), m.pending[n:]...)
		m.index = make(map[int]int, len(m.pending))
		for i, u := range m.pending {
			m.index[u.Number] = i
		}
		m.urgent = false
		m.flushes++
		err := workflow.ExecuteActivity(activityOptions(ctx, m.lim, kindMetadata, ""), snowflakeapi.RecordPartitionsName, in).Get(ctx, nil)
		if err != nil {
			m.dropped += len(in.Updates)
			m.lastErr = message(err)
			workflow.GetLogger(ctx).Warn("partition metadata batch dropped", "updates", len(in.Updates), "error", m.lastErr)
			if ctx.Err() != nil {
				return
			}
		}
	}
}
