package tests

import (
	"sort"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

// BenchmarkTrivialStatementRoundTrip measures SELECT 1 through gosnowflake and the
// emulator over loopback HTTP; it reports the median round trip (target <= 2 ms).
func BenchmarkTrivialStatementRoundTrip(b *testing.B) {
	emu := emulatortest.Start(b)
	db := emu.Open(b, "", "")
	db.SetMaxOpenConns(1)
	ctx := protoCtx(b)
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		var one int64
		if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			b.Fatalf("SELECT 1 = %d, %v", one, err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1000, "median-ms")
}
