package tests

import "testing"

// Range predicates on the timestamps and times the local Snowflake keeps as
// (value, nanoseconds[, offset]): two comparisons on one column (DuckDB's optimizer
// would merge them into a BETWEEN, which it refuses on a STRUCT), by instant for
// TIMESTAMP_TZ/LTZ (the offset plays no part), by wall clock for NTZ, to the
// nanosecond.
func TestExtendedTimestampRanges(t *testing.T) {
	e := stStart(t)
	e.exec(t, "CREATE DATABASE D")
	e.exec(t, "CREATE TABLE D.PUBLIC.T (ID INT, W TIMESTAMP_TZ(6), W9 TIMESTAMP_TZ(9), N TIMESTAMP_NTZ(9), T9 TIME(9), L9 TIMESTAMP_LTZ(9))")
	e.exec(t, `INSERT INTO D.PUBLIC.T VALUES
 (1, '2024-01-01 00:00:00 +01:00', '2024-01-01 00:00:00.123456789 +01:00', '2024-01-01 00:00:00.000000001', '12:00:00.000000001', '2024-01-01 00:00:00.000000001 +00:00'),
 (2, '2024-01-01 00:00:00 -01:00', '2024-01-01 00:00:00.123456790 +01:00', '2024-01-01 00:00:00.000000002', '12:00:00.000000002', '2024-01-01 00:00:00.000000002 +00:00')`)
	for q, want := range map[string]string{
		"SELECT COUNT(*) FROM D.PUBLIC.T WHERE W > '2023-01-01 00:00:00 +00:00'::TIMESTAMP_TZ AND W <= '2025-01-01 00:00:00 +00:00'::TIMESTAMP_TZ": "2",
		"SELECT COUNT(*) FROM D.PUBLIC.T WHERE W > '2023-12-31 23:00:00 +00:00' AND W <= '2024-01-01 00:00:00 +00:00'":                             "0",
		"SELECT COUNT(*) FROM D.PUBLIC.T WHERE W >= '2023-12-31 23:00:00 +00:00' AND W < '2024-01-01 01:00:00 +00:00'":                             "1",
		"SELECT ID FROM D.PUBLIC.T WHERE W = '2023-12-31 23:00:00 +00:00'":                                                                         "1",
		"SELECT ID FROM D.PUBLIC.T WHERE W9 > '2023-12-31 23:00:00.123456789 +00:00' AND W9 <= '2024-01-01 00:00:00.123456790 +01:00'":             "2",
		"SELECT ID FROM D.PUBLIC.T WHERE N > '2024-01-01 00:00:00.000000001' AND N <= '2025-01-01'":                                                "2",
		"SELECT ID FROM D.PUBLIC.T WHERE T9 > '12:00:00.000000001' AND T9 <= '13:00:00'":                                                           "2",
		"SELECT ID FROM D.PUBLIC.T WHERE L9 > '2024-01-01 00:00:00.000000001 +00:00' AND L9 <= '2025-01-01 00:00:00 +00:00'":                       "2",
		"SELECT ID FROM D.PUBLIC.T WHERE L9 = '2024-01-01 01:00:00.000000002 +01:00'":                                                              "2",
		"SELECT COUNT(*) FROM D.PUBLIC.T WHERE W BETWEEN '2023-01-01 00:00:00 +00:00' AND '2025-01-01 00:00:00 +00:00'":                            "2",
	} {
		if got := e.one(t, q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
}
