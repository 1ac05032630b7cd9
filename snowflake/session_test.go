package snowflake

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// A pooled connection whose session the server ended is replaced, not reused: the next
// statement runs on a new session instead of failing with 390111 until the pool's
// lifetime expires.
func TestPooledSessionEndedServerSideIsReplaced(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the emulator")
	}
	emu := testenv.Emulator(t)
	db, err := Open("local", Connection{Account: "local", User: "local", Password: "local",
		Host: "127.0.0.1", Port: emu.Port, Protocol: "http"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var first string
	if err := db.QueryRowContext(ctx, "SELECT CURRENT_SESSION()").Scan(&first); err != nil {
		t.Fatal(err)
	}
	admin := emu.DB(t, "", "")
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("SELECT SYSTEM$ABORT_SESSION(%s)", first)); err != nil {
		t.Fatal(err)
	}
	var second string
	if err := db.QueryRowContext(ctx, "SELECT CURRENT_SESSION()").Scan(&second); err != nil {
		t.Fatalf("statement after the session was ended server-side: %v", err)
	}
	if second == first {
		t.Fatalf("still on session %s", first)
	}
}
