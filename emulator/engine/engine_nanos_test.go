package engine

import (
	"strings"
	"testing"
)

// Values at 100-ns and 1-ns precision and mixed offsets in one TIMESTAMP_TZ column.
func TestNanosAndOffsetsStored(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, "CREATE TABLE T (ID INT, NTZ TIMESTAMP_NTZ(9), N7 TIMESTAMP_NTZ(7), LTZ TIMESTAMP_LTZ(9), TZ TIMESTAMP_TZ(9), TM TIME(9))")
	mustExec(t, s, `INSERT INTO T VALUES
 (1, '2024-02-29 12:34:56.123456789', '2024-02-29 12:34:56.123456789', '2024-02-29 12:34:56.123456789 +00:00', '2024-02-29 12:34:56.1234567 +14:00', '23:59:59.999999999'),
 (2, '0001-01-01 00:00:00.0000001', '9999-12-31 23:59:59.9999999', '2000-01-01 00:00:00.000000001Z', '2024-02-29 12:34:56.1234567 -05:30', '00:00:00.0000001'),
 (3, NULL, NULL, NULL, NULL, NULL)`)
	r := mustExec(t, s, "SELECT ID, TO_VARCHAR(NTZ, 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_VARCHAR(N7, 'YYYY-MM-DD HH24:MI:SS.FF'), TO_VARCHAR(TZ, 'YYYY-MM-DD HH24:MI:SS.FF7 TZH:TZM'), TO_VARCHAR(TM, 'HH24:MI:SS.FF9') FROM T ORDER BY ID")
	want := "1,2024-02-29 12:34:56.123456789,2024-02-29 12:34:56.1234567,2024-02-29 12:34:56.1234567 +14:00,23:59:59.999999999;" +
		"2,0001-01-01 00:00:00.000000100,9999-12-31 23:59:59.9999999,2024-02-29 12:34:56.1234567 -05:30,00:00:00.000000100;3,NULL,NULL,NULL,NULL"
	if got := cells(r); got != want {
		t.Errorf("TO_VARCHAR:\n got %s\nwant %s", got, want)
	}
	r = mustExec(t, s, "SELECT NTZ, N7, LTZ, TZ, TM FROM T ORDER BY ID")
	want = "1709210096.123456789,1709210096.1234567,1709210096.123456789,1709159696.123456700 2280,86399.999999999;" +
		"-62135596800.000000100,253402300799.9999999,946684800.000000001,1709229896.123456700 1110,0.000000100;NULL,NULL,NULL,NULL,NULL"
	if got := cells(r); got != want {
		t.Errorf("wire:\n got %s\nwant %s", got, want)
	}
	for _, c := range r.Columns {
		t.Logf("%s %s scale %d", c.Name, c.Type, c.Scale)
	}
	// ordering and equality by the instant, to the nanosecond
	mustExec(t, s, "CREATE TABLE O (ID INT, TZ TIMESTAMP_TZ)")
	mustExec(t, s, `INSERT INTO O VALUES (1, '2024-01-01 10:00:00.0000002 +01:00'), (2, '2024-01-01 09:00:00.0000001 +00:00'), (3, '2024-01-01 04:30:00.0000003 -04:30'), (4, '2024-01-01 09:00:00.0000002 +00:00')`)
	if got := cells(mustExec(t, s, "SELECT ID FROM O ORDER BY TZ, ID")); got != "2;1;4;3" {
		t.Errorf("ORDER BY instant: %s", got)
	}
	if got := cells(mustExec(t, s, "SELECT ID FROM O WHERE TZ = '2024-01-01 11:00:00.0000002 +02:00' ORDER BY ID")); got != "1;4" {
		t.Errorf("equality by instant: %s", got)
	}
	if got := cells(mustExec(t, s, "SELECT a.ID, b.ID FROM O a JOIN O b ON a.TZ < b.TZ AND a.ID = 2 ORDER BY b.ID")); got != "2,1;2,3;2,4" {
		t.Errorf("join by instant: %s", got)
	}
}

// UPDATE, MERGE and INSERT … SELECT write the exact value; casts between the kinds.
func TestNanosWritesAndCasts(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, "CREATE TABLE W (ID INT, TZ TIMESTAMP_TZ(9), NTZ TIMESTAMP_NTZ(7), T3 TIMESTAMP_TZ(3), TM TIME(8))")
	mustExec(t, s, "INSERT INTO W (ID) VALUES (1), (2)")
	mustExec(t, s, "UPDATE W SET TZ = '2024-06-01 23:59:59.987654321 -08:00', NTZ = '2024-06-01 23:59:59.987654321', T3 = '2024-06-01 23:59:59.987654321 +01:00', TM = '13:14:15.123456789' WHERE ID = 1")
	mustExec(t, s, `MERGE INTO W t USING (SELECT 2 AS ID, '2000-01-01 00:00:00.0000001 +05:45' AS V) s ON t.ID = s.ID
 WHEN MATCHED THEN UPDATE SET TZ = s.V::TIMESTAMP_TZ
 WHEN NOT MATCHED THEN INSERT (ID, TZ) VALUES (s.ID, s.V)`)
	mustExec(t, s, `MERGE INTO W t USING (SELECT 3 AS ID, '2000-01-01 00:00:00.0000001 +05:45' AS V) s ON t.ID = s.ID
 WHEN MATCHED THEN UPDATE SET TZ = s.V::TIMESTAMP_TZ
 WHEN NOT MATCHED THEN INSERT (ID, TZ) VALUES (s.ID, s.V)`)
	mustExec(t, s, "CREATE TABLE W2 (ID INT, TZ TIMESTAMP_TZ(9), NTZ TIMESTAMP_NTZ(9))")
	mustExec(t, s, "INSERT INTO W2 SELECT ID, TZ, TZ FROM W")
	r := mustExec(t, s, `SELECT ID, TO_VARCHAR(TZ, 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_VARCHAR(NTZ, 'YYYY-MM-DD HH24:MI:SS.FF9'),
 TO_VARCHAR(T3, 'YYYY-MM-DD HH24:MI:SS.FF9 TZHTZM'), TO_VARCHAR(TM, 'HH24:MI:SS.FF'), TO_VARCHAR(TZ::TIMESTAMP_NTZ, 'YYYY-MM-DD HH24:MI:SS.FF9') FROM W ORDER BY ID`)
	want := "1,2024-06-01 23:59:59.987654321 -08:00,2024-06-01 23:59:59.987654300,2024-06-01 23:59:59.987000000 +0100,13:14:15.12345678,2024-06-01 23:59:59.987654321;" +
		"2,2000-01-01 00:00:00.000000100 +05:45,NULL,NULL,NULL,2000-01-01 00:00:00.000000100;" +
		"3,2000-01-01 00:00:00.000000100 +05:45,NULL,NULL,NULL,2000-01-01 00:00:00.000000100"
	if got := cells(r); got != want {
		t.Errorf("writes:\n got %s\nwant %s", got, want)
	}
	// INSERT … SELECT of a TZ column into NTZ keeps the value's own wall clock.
	r = mustExec(t, s, "SELECT ID, TO_VARCHAR(TZ, 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_VARCHAR(NTZ, 'YYYY-MM-DD HH24:MI:SS.FF9') FROM W2 ORDER BY ID")
	want = "1,2024-06-01 23:59:59.987654321 -08:00,2024-06-01 23:59:59.987654321;" +
		"2,2000-01-01 00:00:00.000000100 +05:45,2000-01-01 00:00:00.000000100;3,2000-01-01 00:00:00.000000100 +05:45,2000-01-01 00:00:00.000000100"
	if got := cells(r); got != want {
		t.Errorf("INSERT … SELECT:\n got %s\nwant %s", got, want)
	}
	// DESCRIBE and INFORMATION_SCHEMA keep the declared precision.
	if got := cells(mustExec(t, s, "SELECT DATA_TYPE, DATETIME_PRECISION FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'W' ORDER BY ORDINAL_POSITION")); got != "NUMBER,NULL;TIMESTAMP_TZ,9;TIMESTAMP_NTZ,7;TIMESTAMP_TZ,3;TIME,8" {
		t.Errorf("information_schema: %s", got)
	}
	r = mustExec(t, s, "DESCRIBE TABLE W")
	if got := *r.Rows[1][1] + " " + *r.Rows[2][1] + " " + *r.Rows[4][1]; got != "TIMESTAMP_TZ(9) TIMESTAMP_NTZ(7) TIME(8)" {
		t.Errorf("DESCRIBE: %s", got)
	}
	// a view over extended columns keeps them exact
	mustExec(t, s, "CREATE VIEW V AS SELECT ID, TZ FROM W")
	if got := cells(mustExec(t, s, "SELECT TO_VARCHAR(TZ, 'HH24:MI:SS.FF9 TZH:TZM') FROM V WHERE TZ < '2024-01-01 00:00:00 Z' ORDER BY ID")); got != "00:00:00.000000100 +05:45;00:00:00.000000100 +05:45" {
		t.Errorf("view: %s", got)
	}
}

// A hostile string is data: it fails as a timestamp and changes nothing.
func TestNanosHostileText(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, "CREATE TABLE H (TZ TIMESTAMP_TZ, NTZ TIMESTAMP_NTZ(9))")
	for _, v := range []string{`2024-01-01'); DROP TABLE H; --`, `' || (SELECT 1) || '`, "2024-01-01 00:00:00.123456789 +05:30' OR '1'='1"} {
		if _, err := exec(s, "INSERT INTO H (TZ) VALUES ('"+strings.ReplaceAll(v, "'", "''")+"')", nil); err == nil {
			t.Errorf("%q stored as a TIMESTAMP_TZ", v)
		}
		if _, err := exec(s, "INSERT INTO H (TZ) VALUES (?)", map[string]Bind{"1": {Type: "TEXT", Value: v}}); err == nil {
			t.Errorf("bind %q stored as a TIMESTAMP_TZ", v)
		}
	}
	if got := cells(mustExec(t, s, "SELECT COUNT(*) FROM H")); got != "0" {
		t.Errorf("rows after hostile values: %s", got)
	}
}

// NULLs of every source type stay NULL in extended columns (not a struct of NULLs).
func TestNanosNullsStayNull(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, "CREATE TABLE N (TZ TIMESTAMP_TZ, NTZ TIMESTAMP_NTZ(9), TM TIME(9))")
	mustExec(t, s, "INSERT INTO N SELECT CAST(NULL AS TIMESTAMP_LTZ(6)), CAST(NULL AS TIMESTAMP_NTZ(6)), CAST(NULL AS TIME(6))")
	mustExec(t, s, "INSERT INTO N SELECT TZ, NTZ, TM FROM N")
	if got := cells(mustExec(t, s, "SELECT TZ, NTZ, TM, COUNT(*) OVER () FROM N WHERE TZ IS NULL AND NTZ IS NULL AND TM IS NULL")); got != "NULL,NULL,NULL,2;NULL,NULL,NULL,2" {
		t.Errorf("NULLs: %s", got)
	}
}

// The re-sync MERGE: a derived table of SELECT * carries the extended values, compared
// with the target's by instant (snowflake.MergeStagedSQL's shape).
func TestNanosDerivedTables(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, "CREATE TABLE TGT (ID INT, V VARCHAR, W TIMESTAMP_TZ(9))")
	mustExec(t, s, "CREATE TABLE STG (ID INT, V VARCHAR, W TIMESTAMP_TZ(9))")
	mustExec(t, s, "INSERT INTO TGT VALUES (1, 'old', '2024-01-01 10:00:00.0000001 +01:00'), (2, 'old', '2024-01-01 10:00:00.0000002 +01:00')")
	mustExec(t, s, "INSERT INTO STG VALUES (1, 'new', '2024-01-01 09:00:00.0000001 +00:00'), (2, 'new', '2024-01-01 09:00:00.0000001 Z'), (3, 'new', '2024-01-01 09:00:00.0000009 -02:00'), (3, 'newer', '2024-01-01 09:00:00.000001 -02:00')")
	mustExec(t, s, `MERGE INTO TGT AS T USING (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ID ORDER BY W DESC NULLS LAST) AS RN FROM STG) AS R WHERE RN = 1) AS S
ON T.ID = S.ID
WHEN MATCHED AND (T.W IS NULL OR S.W >= T.W) THEN UPDATE SET ID = S.ID, V = S.V, W = S.W
WHEN NOT MATCHED THEN INSERT (ID, V, W) VALUES (S.ID, S.V, S.W)`)
	// 1: same instant (>=) → updated with the staged offset; 2: staged is 100 ns older → kept;
	// 3: the later of two staged rows (by 100 ns) inserted.
	r := mustExec(t, s, "SELECT ID, V, TO_VARCHAR(W, 'YYYY-MM-DD HH24:MI:SS.FF7 TZH:TZM') FROM TGT ORDER BY ID")
	if got, want := cells(r), "1,new,2024-01-01 09:00:00.0000001 +00:00;2,old,2024-01-01 10:00:00.0000002 +01:00;3,newer,2024-01-01 09:00:00.0000010 -02:00"; got != want {
		t.Errorf("merge:\n got %s\nwant %s", got, want)
	}
	if got := cells(mustExec(t, s, "SELECT x.ID FROM (SELECT ID, W FROM TGT) x WHERE x.W > '2024-01-01 09:00:00.0000001 +00:00' ORDER BY x.W")); got != "2;3" {
		t.Errorf("derived table compared: %s", got)
	}
}

// Iceberg tables hold microseconds: a TIMESTAMP_NTZ(9) column is refused, (6) accepted.
func TestNanosIcebergRefusesPrecisionAbove6(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, "CREATE EXTERNAL VOLUME V STORAGE_LOCATIONS = ((NAME = 'l' STORAGE_PROVIDER = 'FILE' STORAGE_BASE_URL = 'file:///tmp/never-written'))")
	_, err := exec(s, "CREATE ICEBERG TABLE I (TS TIMESTAMP_NTZ(9)) CATALOG = 'SNOWFLAKE' EXTERNAL_VOLUME = 'V' BASE_LOCATION = 'i'", nil)
	if err == nil || !strings.Contains(err.Error(), "TIMESTAMP_NTZ(9) of column TS is not supported for Iceberg tables") {
		t.Errorf("TIMESTAMP_NTZ(9) in an Iceberg table: %v", err)
	}
}
