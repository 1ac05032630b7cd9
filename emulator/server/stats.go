package server

import "sync/atomic"

// Stats counts protocol events, for tests and diagnostics.
type Stats struct {
	Logins            int64 // successful logins
	FailedLogins      int64
	Renewals          int64 // session tokens renewed with a master token
	TelemetryBatches  int64
	Statements        int64 // statements executed (requestId replays not counted)
	StatementsAborted int64 // statements that ended because of abort-request or shutdown
	AbortRequests     int64
}

type counters struct {
	logins, failedLogins, renewals, telemetry, statements, aborted, abortRequests atomic.Int64
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	c := &s.counters
	return Stats{
		Logins:            c.logins.Load(),
		FailedLogins:      c.failedLogins.Load(),
		Renewals:          c.renewals.Load(),
		TelemetryBatches:  c.telemetry.Load(),
		Statements:        c.statements.Load(),
		StatementsAborted: c.aborted.Load(),
		AbortRequests:     c.abortRequests.Load(),
	}
}
