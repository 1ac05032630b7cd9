package tests

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	sf "github.com/snowflakedb/gosnowflake"
)

// Nanoseconds and each TIMESTAMP_TZ value's own offset, end to end through the real
// driver: COPY from Parquet TIMESTAMP(NANOS) and from text with offsets, binds, the
// wire (seconds.fraction [offset]), TO_VARCHAR, ordering and equality by instant.

type nanosRow struct {
	ID  int32     `parquet:"ID"`
	NTZ time.Time `parquet:"NTZ,timestamp(nanosecond:local)"`
	LTZ time.Time `parquet:"LTZ,timestamp(nanosecond:local)"`
	TZ  string    `parquet:"TZ"`
	TM  string    `parquet:"TM"`
}

// nanosValues are the values every test row holds: 1-ns and 100-ns digits, years 0001
// and 9999 as text, a value before 1970 as Parquet nanoseconds, offsets -05:30..+14:00.
var nanosValues = []struct {
	id       int32
	ntz, ltz time.Time
	tz, tm   string
	wantTZ   time.Time
}{
	{1, time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.UTC), time.Date(2024, 2, 29, 12, 34, 56, 1, time.UTC),
		"2024-02-29 12:34:56.1234567 +14:00", "23:59:59.999999999",
		time.Date(2024, 2, 29, 12, 34, 56, 123456700, time.FixedZone("", 14*3600))},
	{2, time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 900, time.UTC),
		"2024-02-29 12:34:56.1234567-05:30", "00:00:00.0000001",
		time.Date(2024, 2, 29, 12, 34, 56, 123456700, time.FixedZone("", -(5*3600+1800)))},
	{3, time.Date(2262, 4, 11, 0, 0, 0, 100, time.UTC), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		"9999-12-31 23:59:59.9999999Z", "12:00:00",
		time.Date(9999, 12, 31, 23, 59, 59, 999999900, time.UTC)},
	{4, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		"0001-01-01 00:00:00.0000001 +01:00", "01:02:03.4",
		time.Date(1, 1, 1, 0, 0, 0, 100, time.FixedZone("", 3600))},
}

func nanosCheck(t *testing.T, env *stEnv, table string) {
	t.Helper()
	rows, err := env.db.QueryContext(env.ctx, "SELECT ID, NTZ, LTZ, TZ, TM FROM "+table+" ORDER BY ID")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	k := 0
	for rows.Next() {
		var id int
		var ntz, ltz, tz, tm time.Time
		if err := rows.Scan(&id, &ntz, &ltz, &tz, &tm); err != nil {
			t.Fatal(err)
		}
		w := nanosValues[k]
		k++
		if !ntz.Equal(w.ntz) || !ltz.Equal(w.ltz) {
			t.Errorf("%s row %d: NTZ %s LTZ %s, want %s %s", table, id, ntz.Format(time.RFC3339Nano), ltz.Format(time.RFC3339Nano), w.ntz.Format(time.RFC3339Nano), w.ltz.Format(time.RFC3339Nano))
		}
		_, off := tz.Zone()
		_, woff := w.wantTZ.Zone()
		if !tz.Equal(w.wantTZ) || off != woff {
			t.Errorf("%s row %d: TZ %s, want %s (instant and offset)", table, id, tz.Format(time.RFC3339Nano), w.wantTZ.Format(time.RFC3339Nano))
		}
		wtm, _ := time.Parse("15:04:05.999999999", w.tm)
		if tm.Format("15:04:05.999999999") != wtm.Format("15:04:05.999999999") {
			t.Errorf("%s row %d: TM %s, want %s", table, id, tm.Format("15:04:05.999999999"), w.tm)
		}
	}
	if k != len(nanosValues) {
		t.Fatalf("%s: %d rows, want %d", table, k, len(nanosValues))
	}
}

func TestNanosCopyParquetCSVAndBinds(t *testing.T) {
	env := stStart(t)
	for _, tbl := range []string{"P", "C", "B"} {
		env.exec(t, "CREATE TABLE "+tbl+" (ID INT, NTZ TIMESTAMP_NTZ(9), LTZ TIMESTAMP_LTZ(9), TZ TIMESTAMP_TZ(9), TM TIME(9))")
	}
	env.exec(t, "CREATE STAGE S")

	// Parquet: TIMESTAMP(NANOS, isAdjustedToUTC=false) into NTZ/LTZ (a wall clock; the
	// session is in UTC), text with offsets into TZ, text into TIME.
	pq := filepath.Join(env.dir, "n.parquet")
	var prs []nanosRow
	for _, v := range nanosValues {
		prs = append(prs, nanosRow{ID: v.id, NTZ: v.ntz, LTZ: v.ltz, TZ: v.tz, TM: v.tm})
	}
	if err := parquet.WriteFile(pq, prs); err != nil {
		t.Fatal(err)
	}
	env.put(t, pq, "@S/p/", "AUTO_COMPRESS = FALSE")
	env.exec(t, "COPY INTO P FROM @S/p/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE")
	nanosCheck(t, env, "P")

	// CSV text with nine digits and offsets.
	csv := filepath.Join(env.dir, "n.csv")
	var text string
	for _, v := range nanosValues {
		text += string(rune('0'+v.id)) + "," + v.ntz.Format("2006-01-02 15:04:05.000000000") + "," +
			v.ltz.Format("2006-01-02T15:04:05.999999999Z07:00") + "," + v.tz + "," + v.tm + "\n"
	}
	if err := os.WriteFile(csv, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env.put(t, csv, "@S/c/", "AUTO_COMPRESS = FALSE")
	env.exec(t, "COPY INTO C FROM @S/c/ FILE_FORMAT = (TYPE = CSV)")
	nanosCheck(t, env, "C")

	// Binds: the driver sends nanoseconds, and TIMESTAMP_TZ with its offset.
	for _, v := range nanosValues {
		tm, _ := time.Parse("15:04:05.999999999", v.tm)
		if _, err := env.db.ExecContext(env.ctx, "INSERT INTO B VALUES (?, ?, ?, ?, ?)", v.id,
			sf.DataTypeTimestampNtz, v.ntz, sf.DataTypeTimestampLtz, v.ltz, sf.DataTypeTimestampTz, v.wantTZ, sf.DataTypeTime, tm); err != nil {
			t.Fatalf("insert with binds: %v", err)
		}
	}
	nanosCheck(t, env, "B")

	// TO_VARCHAR shows each value with its own offset and every digit.
	_, got := env.query(t, "SELECT TO_VARCHAR(TZ, 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_VARCHAR(NTZ, 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_VARCHAR(TM, 'HH24:MI:SS.FF7') FROM P ORDER BY ID")
	want := [][]string{
		{"2024-02-29 12:34:56.123456700 +14:00", "2024-02-29 12:34:56.123456789", "23:59:59.9999999"},
		{"2024-02-29 12:34:56.123456700 -05:30", "1969-12-31 23:59:59.999999999", "00:00:00.0000001"},
		{"9999-12-31 23:59:59.999999900 +00:00", "2262-04-11 00:00:00.000000100", "12:00:00.0000000"},
		{"0001-01-01 00:00:00.000000100 +01:00", "1970-01-01 00:00:00.000000000", "01:02:03.4000000"},
	}
	for i := range want {
		for j := range want[i] {
			if i >= len(got) || got[i][j] != want[i][j] {
				t.Fatalf("TO_VARCHAR:\n got %v\nwant %v", got, want)
			}
		}
	}

	// Ordering and equality use the instant, to the nanosecond: rows 1 and 2 hold the
	// same wall clock at different offsets, so row 1 (+14:00) is 19.5 hours earlier.
	_, got = env.query(t, "SELECT ID FROM P ORDER BY TZ")
	if len(got) != 4 || got[0][0] != "4" || got[1][0] != "1" || got[2][0] != "2" || got[3][0] != "3" {
		t.Errorf("ORDER BY TZ: %v", got)
	}
	_, got = env.query(t, "SELECT ID FROM P WHERE TZ = '2024-02-29 23:04:56.1234567 +05:00'")
	if len(got) != 1 || got[0][0] != "2" {
		t.Errorf("TZ equal to the same instant at another offset: %v", got)
	}
	_, got = env.query(t, "SELECT COUNT(*) FROM P WHERE NTZ = '2024-02-29 12:34:56.123456788'::TIMESTAMP_NTZ")
	if got[0][0] != "0" {
		t.Errorf("values 1 ns apart compare equal: %v", got)
	}
	_, got = env.query(t, "SELECT COUNT(*) FROM P p JOIN C c ON p.NTZ = c.NTZ AND p.TZ = c.TZ AND p.TM = c.TM AND p.LTZ = c.LTZ")
	if got[0][0] != "4" {
		t.Errorf("Parquet and CSV loads differ: %v rows equal", got)
	}
	// converting to NTZ keeps the value's own wall clock; to UTC the same instant at +00:00
	_, got = env.query(t, "SELECT TO_VARCHAR(TZ::TIMESTAMP_NTZ, 'YYYY-MM-DD HH24:MI:SS.FF7') FROM P WHERE ID = 1")
	if got[0][0] != "2024-02-29 12:34:56.1234567" {
		t.Errorf("TZ::TIMESTAMP_NTZ = %v, want the wall clock at +14:00", got)
	}
}
