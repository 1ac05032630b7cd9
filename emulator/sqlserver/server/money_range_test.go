package server

import "testing"

// SQL Server stores money as an 8-byte and smallmoney as a 4-byte integer of
// ten-thousandths: writing a value beyond that range is error 8115 (nothing stored),
// and a computed value beyond it fails the statement with a well-formed error instead
// of corrupting the row stream the client reads.
func TestMoneyRange(t *testing.T) {
	c := open(t, startServer(t, t.TempDir()), "disable")
	mustExec(t, c, "CREATE TABLE mr (id int NOT NULL PRIMARY KEY, m money NULL, sm smallmoney NULL)")
	mustExec(t, c, "INSERT INTO mr VALUES (1, 922337203685477.5807, 214748.3647), (2, -922337203685477.5808, -214748.3648), (3, NULL, NULL)")
	for _, q := range []string{
		"UPDATE mr SET m = m + 0.0001 WHERE id = 1",
		"UPDATE mr SET m = m - 0.0001 WHERE id = 2",
		"UPDATE mr SET sm = sm + 0.0001 WHERE id = 1",
		"INSERT INTO mr VALUES (4, 922337203685477.5808, NULL)",
		"INSERT INTO mr VALUES (5, NULL, -214748.3649)",
	} {
		_, err := c.ExecContext(ctx(t), q)
		if errNumber(err) != 8115 {
			t.Errorf("%s: got %v, want error 8115", q, err)
		}
	}
	var n int
	if err := c.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM mr WHERE m = 922337203685477.5807 OR m = -922337203685477.5808 OR m IS NULL").Scan(&n); err != nil || n != 3 {
		t.Fatalf("after the refused writes: %d rows keep their values (%v), want 3", n, err)
	}
	rows, err := c.QueryContext(ctx(t), "SELECT id, m, sm FROM mr ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for rows.Next() {
		var id int
		var m, sm any
		if err := rows.Scan(&id, &m, &sm); err != nil {
			t.Fatal(err)
		}
		got++
	}
	if err := rows.Err(); err != nil || got != 3 {
		t.Fatalf("read %d rows: %v", got, err)
	}
	// a computed money beyond the range: error 8115, and the connection stays usable
	var sum any
	err = c.QueryRowContext(ctx(t), "SELECT CAST(m + 1 AS money) FROM mr WHERE id = 1").Scan(&sum)
	if errNumber(err) != 8115 {
		t.Errorf("CAST(m + 1 AS money) beyond the range: got %v (%v), want error 8115", sum, err)
	}
	if err := c.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM mr").Scan(&n); err != nil || n != 3 {
		t.Fatalf("after the error: %d, %v", n, err)
	}
}
