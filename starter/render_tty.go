package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// ttyRenderer draws one bar for the migration (tables done of total) and one per running
// table (partitions done of planned), with mpb. Bars of tables that leave the running
// list complete and stay on screen. update and finish are called from one goroutine;
// the decorators run on mpb's goroutines and read only the texts, under textMu, which is
// never held while a bar method runs (bar methods wait for mpb's goroutines, which may be
// waiting for a decorator).
type ttyRenderer struct {
	p       *mpb.Progress
	overall *mpb.Bar
	bars    map[string]*mpb.Bar
	done    bool

	textMu sync.Mutex
	head   string
	texts  map[string]string
}

func newTTYRenderer(ctx context.Context, w io.Writer) *ttyRenderer {
	r := &ttyRenderer{
		p:     mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithRefreshRate(200*time.Millisecond), mpb.WithAutoRefresh()),
		bars:  map[string]*mpb.Bar{},
		texts: map[string]string{},
	}
	r.overall = r.p.AddBar(0,
		mpb.PrependDecorators(decor.Name("tables", decor.WC{W: 30, C: decor.DindentRight}), decor.CountersNoUnit("%d/%d ", decor.WC{W: 10})),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return r.text("") })),
	)
	return r
}

// text returns the head line (key "") or a table's line.
func (r *ttyRenderer) text(key string) string {
	r.textMu.Lock()
	defer r.textMu.Unlock()
	if key == "" {
		return r.head
	}
	return r.texts[key]
}

func (r *ttyRenderer) setText(key, s string) {
	r.textMu.Lock()
	defer r.textMu.Unlock()
	if key == "" {
		r.head = s
	} else {
		r.texts[key] = s
	}
}

func (r *ttyRenderer) update(st migrationState, _ time.Time) {
	if r.done {
		return
	}
	p := st.Progress
	if p == nil {
		r.setText("", st.ProgressError)
		return
	}
	r.setText("", fmt.Sprintf(" %s  rows %s  failed %d  cancelled %d", p.Status, thousands(p.Rows), p.TablesFailed, p.TablesCancelled))
	r.overall.SetTotal(int64(p.TablesTotal), false)
	r.overall.SetCurrent(int64(p.TablesCompleted + p.TablesFailed + p.TablesCancelled))
	seen := map[string]bool{}
	for _, t := range p.Running {
		key := t.TableKey
		seen[key] = true
		line := fmt.Sprintf(" ext %d  load %d  rows %s", t.PartitionsExtracting, t.PartitionsLoading, thousands(t.Rows))
		if t.PartitionsFailed > 0 {
			line += fmt.Sprintf("  FAILED %d", t.PartitionsFailed)
		}
		r.setText(key, line)
		b, ok := r.bars[key]
		if !ok {
			b = r.p.AddBar(0,
				mpb.PrependDecorators(decor.Name("  "+shorten(key, 28), decor.WC{W: 30, C: decor.DindentRight}), decor.CountersNoUnit("%d/%d ", decor.WC{W: 10})),
				mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return r.text(key) })),
			)
			r.bars[key] = b
		}
		if t.PartitionsPlanned > 0 {
			b.SetTotal(int64(t.PartitionsPlanned), false)
		}
		b.SetCurrent(int64(t.PartitionsCompleted + t.PartitionsFailed))
	}
	for key, b := range r.bars {
		if seen[key] {
			continue
		}
		r.setText(key, " "+leftState(key, p.Failures))
		b.SetTotal(-1, true) // complete at the current count
		delete(r.bars, key)
	}
}

func (r *ttyRenderer) finish(st migrationState, _ time.Time) {
	if r.done {
		return
	}
	r.done = true
	if res := st.Result; res != nil {
		r.setText("", " "+res.Outcome+"  rows "+thousands(res.Rows))
		r.overall.SetTotal(int64(res.TablesTotal), false)
		r.overall.SetCurrent(int64(res.TablesCompleted + res.TablesFailed + res.TablesCancelled))
	}
	for _, b := range r.bars {
		b.Abort(false)
	}
	r.overall.Abort(false)
	r.p.Wait()
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n+1:]
}
