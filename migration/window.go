package migration

// WatermarkWindow restricts planning and extraction to the rows a watermark re-sync
// moves: Low < watermark <= High (docs/sync.md). Bounds are canonical text, as
// Partition documents (numbers as decimal text, timestamps "YYYY-MM-DD
// HH:MM:SS.ffffff" with "+00:00" for time-zone-aware ones); a dialect compares them as
// typed literals, never by splicing them into SQL unescaped.
type WatermarkWindow struct {
	// Column is the exact source name of the watermark column.
	Column string `json:"column"`
	// Low is the last successful run's High (exclusive); nil on a table's first run.
	Low *string `json:"low,omitempty"`
	// High is the source's maximum read when the run planned the table (inclusive);
	// nil when no row had a non-NULL watermark then.
	High *string `json:"high,omitempty"`
	// IncludeNull also selects rows whose watermark is NULL. Only a table's first run
	// sets it (a full load): such rows have no mark to compare, so later runs never
	// move them again.
	IncludeNull bool `json:"includeNull,omitempty"`
}

// Empty reports a window no row can fall into: no bound to compare and no NULL rows
// wanted, or Low = High (nothing was written since the last run).
func (w WatermarkWindow) Empty() bool {
	if w.IncludeNull {
		return false
	}
	if w.High == nil {
		return true
	}
	return w.Low != nil && *w.Low == *w.High
}
