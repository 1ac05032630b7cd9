package tests

import (
	"crypto/rand"
	"crypto/rsa"
	"database/sql"
	"testing"
	"time"

	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

func TestProtocolLoginPassword(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithUser("alice"), emulatortest.WithPassword("s3cret"))
	db := emu.Open(t, "", "")
	var one int64
	if err := db.QueryRowContext(protoCtx(t), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	if st := emu.Stats(); st.Logins != 1 {
		t.Fatalf("logins = %d, want 1", st.Logins)
	}
}

func TestProtocolLoginBadPasswordIs390100(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithPassword("right"))
	emu.Password = "wrong"
	db, err := sql.Open("snowflake", emu.DSN("", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	se := protoSFError(t, db.PingContext(protoCtx(t)))
	if se.Number != 390100 || se.SQLState != "08004" {
		t.Fatalf("bad login: Number=%d SQLState=%s (%v)", se.Number, se.SQLState, se)
	}
	// The raw reply is HTTP 200 with the code as a string: on 401/403 the driver would
	// lose the code.
	raw := (&protoRaw{t: t, base: emu.URL()}).post("/session/v1/login-request",
		map[string]any{"data": map[string]any{"LOGIN_NAME": "local", "PASSWORD": "wrong"}})
	if raw.status != 200 || raw.Success || protoCode(raw) != "390100" {
		t.Fatalf("raw bad login: HTTP %d success=%v code=%s", raw.status, raw.Success, protoCode(raw))
	}
	if st := emu.Stats(); st.Logins != 0 || st.FailedLogins != 2 {
		t.Fatalf("stats %+v, want 0 logins and 2 failures", st)
	}
}

func TestProtocolLoginProgrammaticAccessToken(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithToken("pat-abc"))
	cfg := emu.Config("", "")
	cfg.Authenticator = gosnowflake.AuthTypePat
	cfg.Password = ""
	cfg.Token = "pat-abc"
	db := protoOpenConfig(t, cfg)
	var one int64
	if err := db.QueryRowContext(protoCtx(t), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("PAT login then SELECT 1 = %d, %v", one, err)
	}

	bad := emu.Config("", "")
	bad.Authenticator = gosnowflake.AuthTypePat
	bad.Token = "pat-wrong"
	se := protoSFError(t, protoOpenConfig(t, bad).PingContext(protoCtx(t)))
	if se.Number != 390100 {
		t.Fatalf("wrong PAT: Number=%d (%v)", se.Number, se)
	}
}

func TestProtocolLoginKeyPairJWT(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	emu := emulatortest.Start(t, emulatortest.WithUser("svc_loader"), emulatortest.WithPublicKey(&key.PublicKey))
	cfg := emu.Config("", "")
	cfg.Authenticator = gosnowflake.AuthTypeJwt
	cfg.Password = ""
	cfg.PrivateKey = key
	db := protoOpenConfig(t, cfg)
	var one int64
	if err := db.QueryRowContext(protoCtx(t), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("JWT login then SELECT 1 = %d, %v", one, err)
	}

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	bad := emu.Config("", "")
	bad.Authenticator = gosnowflake.AuthTypeJwt
	bad.PrivateKey = other
	se := protoSFError(t, protoOpenConfig(t, bad).PingContext(protoCtx(t)))
	if se.Number != 390100 {
		t.Fatalf("JWT signed by an unregistered key: Number=%d (%v)", se.Number, se)
	}

	// An expired token (the driver's JWTExpireTimeout) is refused too.
	expired := emu.Config("", "")
	expired.Authenticator = gosnowflake.AuthTypeJwt
	expired.PrivateKey = key
	//lint:ignore SA1019 the driver offers no other way to make it sign an expired token
	expired.JWTExpireTimeout = -2 * time.Minute
	se = protoSFError(t, protoOpenConfig(t, expired).PingContext(protoCtx(t)))
	if se.Number != 390100 {
		t.Fatalf("expired JWT: Number=%d (%v)", se.Number, se)
	}
}

// The driver renews an expired session token with the master token and replays the
// statement: with a 300 ms token life, the second statement must trigger one renewal.
func TestProtocolSessionRenewal(t *testing.T) {
	emu := emulatortest.Start(t, emulatortest.WithSessionTokenTTL(300*time.Millisecond))
	db := emu.Open(t, "", "")
	db.SetMaxOpenConns(1)
	ctx := protoCtx(t)
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if err := db.QueryRowContext(ctx, "SELECT 2").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after the session token expired: %d, %v", n, err)
	}
	if st := emu.Stats(); st.Renewals < 1 || st.Logins != 1 {
		t.Fatalf("stats %+v: want one login and at least one renewal", st)
	}
}

func TestProtocolTelemetry(t *testing.T) {
	emu := emulatortest.Start(t)
	db := emu.Open(t, "", "")
	conn, err := db.Conn(protoCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(gosnowflake.SnowflakeConnection)
		if !ok {
			t.Fatalf("driver connection %T is not a gosnowflake.SnowflakeConnection", dc)
		}
		return sc.AddTelemetryData(protoCtx(t), time.Now(), map[string]string{"type": "emulator-test"})
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
	_ = db.Close() // the driver flushes telemetry when the connection closes
	if st := emu.Stats(); st.TelemetryBatches < 1 {
		t.Fatalf("telemetry batches = %d, want >= 1", st.TelemetryBatches)
	}
	raw := (&protoRaw{t: t, base: emu.URL()}).post("/telemetry/send", map[string]any{"logs": []any{}})
	if raw.status != 200 || !raw.Success {
		t.Fatalf("raw telemetry: HTTP %d success=%v", raw.status, raw.Success)
	}
}
