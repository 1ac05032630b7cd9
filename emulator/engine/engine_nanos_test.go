package engine

import "testing"

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
