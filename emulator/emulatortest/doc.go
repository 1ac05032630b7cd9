// Package emulatortest starts the real emulator (HTTP server plus the real SQL engine)
// inside a test process on 127.0.0.1 with a fresh data directory, for tests that talk
// to it through the real gosnowflake driver:
//
//	emu := emulatortest.Start(t)
//	db := emu.Open(t, "DB", "PUBLIC") // *sql.DB through gosnowflake
//	emu.Restart(t)                    // same address and data dir: persistence tests
//
// Connections opened before Restart are closed by it (their sessions are gone); open
// new ones afterwards.
package emulatortest
