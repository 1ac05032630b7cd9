package source

import (
	"context"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// WindowProber is implemented by the sources that count, in one query per page of
// stored ranges, the rows a watermark window selects in each range (docs/sync.md,
// "Cost"): a watermark re-run reuses its last run's key ranges, and most of them
// usually hold no row of the window; the workflow extracts only those that do. A
// source without it: every range is extracted, as before.
type WindowProber interface {
	// ProbeWindow returns, per partition number of req.Partitions, the count of rows
	// Extract would read for that partition with req.Window (its range, the window and
	// the table's filter). Every partition of the request appears in the result, with 0
	// when it holds none. The ranges must not overlap (stored ranges never do): a row
	// is counted in the first range that holds it.
	ProbeWindow(ctx context.Context, req WindowProbeRequest) (map[int]int64, error)
}

// WindowProbeRequest names the table, the page of partitions and the window.
type WindowProbeRequest struct {
	Table config.TableConfig
	migration.TableShape
	Partitions []migration.Partition
	Window     migration.WatermarkWindow
}
