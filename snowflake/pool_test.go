package snowflake

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestPoolCachesPerNameAndWrapsLookupErrors(t *testing.T) {
	calls := map[string]int{}
	p := NewPool(func(name string) (Connection, error) {
		calls[name]++
		switch name {
		case "missing":
			return Connection{}, errors.New("connection \"missing\" not found in /x/connections.toml")
		case "broken":
			return Connection{Account: "a", User: "u"}, nil // no password
		}
		return Connection{Account: "local", User: "u", Password: "p", Host: "127.0.0.1", Port: 1, Protocol: "http"}, nil
	})
	defer p.Close()
	ctx := context.Background()
	a1, err := p.DB(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := p.DB(ctx, "a")
	b, _ := p.DB(ctx, "b")
	if a1 != a2 || a1 == b || calls["a"] != 1 {
		t.Errorf("pool did not cache per name: calls %v", calls)
	}
	_, err = p.DB(ctx, "missing")
	if !errors.Is(err, ErrInvalidConnection) || !strings.Contains(err.Error(), "not found") || Classify(err) != Credentials {
		t.Errorf("lookup error: %v", err)
	}
	_, err = p.DB(ctx, "broken")
	if !errors.Is(err, ErrInvalidConnection) || !strings.Contains(err.Error(), "password") {
		t.Errorf("invalid connection: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DB(ctx, "a"); err != nil || calls["a"] != 2 {
		t.Errorf("after Close the pool should reopen: %v %v", err, calls)
	}
}
