package main

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// cutProxy forwards TCP to a real server until cut, then refuses everything: Temporal
// going away in the middle of a watch.
type cutProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// Temporal stops answering while watch follows a running migration: watch retries for
// the grace period, then exits 4 (not 1: nothing says the migration failed).
func TestWatchExits4WhenTemporalGoesAway(t *testing.T) {
	if testing.Short() {
		t.Skip("about 20 s: the SDK retries an unavailable server before it reports it")
	}
	h := newHarness(t)
	const name = "StarterUnreachable1"
	h.create(name)
	proxy := newCutProxy(t, h.addr)
	old := unreachableGrace
	unreachableGrace = 2 * time.Second
	defer func() { unreachableGrace = old }()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(t.Context(), []string{"starter", "watch", name, "--interval", "200ms", "--plain", "--temporal-address", proxy.addr()}, &stdout, &stderr)
	}()
	// Cut once watch has drawn the running migration (bounded wait).
	for i := 0; i < 100 && !strings.Contains(stdout.String(), "EXECUTING"); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(stdout.String(), "EXECUTING") {
		t.Fatalf("watch never showed the running migration:\n%s%s", stdout.String(), stderr.String())
	}
	proxy.cut()
	select {
	case code := <-done:
		if code != exitUnreachable || !strings.Contains(stderr.String(), "Temporal does not answer; retrying") ||
			!strings.Contains(stderr.String(), "no answer from Temporal") {
			t.Fatalf("exit %d, want 4; stderr:\n%s", code, stderr.String())
		}
		t.Logf("stderr:\n%s", stderr.String())
	case <-time.After(time.Minute):
		t.Fatal("watch did not give up within a minute of Temporal going away")
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }
