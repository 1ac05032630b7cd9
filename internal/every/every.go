// Package every owns the one periodic-callback loop the product uses: activity
// heartbeats on both sides and extraction progress reports. A stopped loop has
// returned (stop waits for it), so no callback runs after stop.
package every

import (
	"context"
	"time"
)

// Start calls fn every period until stop is called or ctx ends. fn runs on the loop's
// goroutine, never concurrently with itself.
func Start(ctx context.Context, period time.Duration, fn func()) (stop func()) {
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fn()
			case <-quit:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() { close(quit); <-finished }
}
