package every

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestStartStops(t *testing.T) {
	var n atomic.Int32
	stop := Start(context.Background(), time.Millisecond, func() { n.Add(1) })
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	stop()
	if n.Load() < 3 {
		t.Fatalf("fn ran %d times in 5 s", n.Load())
	}
	after := n.Load()
	time.Sleep(20 * time.Millisecond)
	if n.Load() != after {
		t.Fatalf("fn ran after stop: %d then %d", after, n.Load())
	}
}

func TestStartEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stop := Start(ctx, time.Hour, func() {})
	cancel()
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not return after the context ended")
	}
}
