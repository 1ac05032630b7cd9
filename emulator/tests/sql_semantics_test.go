package tests

import (
	"testing"
)

func TestSQLErrorsByNumber(t *testing.T) {
	_, db := sqlSetup(t)
	sqlExec(t, db, `CREATE TABLE errs (a INT NOT NULL)`)
	cases := []struct {
		q    string
		want int
	}{
		{`SELECT * FROM no_such_table`, 2003},
		{`SELEC 1`, 1003},
		{`CREATE TABLE errs (b INT)`, 2002},
		{`INSERT INTO errs VALUES ('not a number')`, 100038},
		{`INSERT INTO errs VALUES (NULL)`, 100072},
		{`SELECT 1/0`, 100051},
		{`SELECT * FROM TABLE(FLATTEN(input => parse_json('[1]')))`, 1003},
	}
	for _, c := range cases {
		if got := sqlErrNumber(t, db, c.q); got != c.want {
			t.Errorf("%s: error %d, want %d", c.q, got, c.want)
		}
	}
}

func TestSQLTransactionsAndCounts(t *testing.T) {
	emu, db := sqlSetup(t)
	sqlExec(t, db, `CREATE TABLE acct (id INT, bal NUMBER(10,2))`)
	if n := sqlAffected(t, db, `INSERT INTO acct VALUES (1, 10), (2, 20), (3, 30)`); n != 3 {
		t.Fatalf("insert affected %d", n)
	}
	if n := sqlAffected(t, db, `UPDATE acct SET bal = bal + 1 WHERE id >= 2`); n != 2 {
		t.Fatalf("update affected %d", n)
	}
	if n := sqlAffected(t, db, `DELETE FROM acct WHERE id = 3`); n != 1 {
		t.Fatalf("delete affected %d", n)
	}
	// MERGE: inserted + updated + deleted, summed by RowsAffected
	sqlExec(t, db, `CREATE TABLE acct_src (id INT, bal NUMBER(10,2), op VARCHAR)`)
	sqlExec(t, db, `INSERT INTO acct_src VALUES (1, 100, 'U'), (2, 0, 'D'), (9, 90, 'I')`)
	if n := sqlAffected(t, db, `MERGE INTO acct a USING acct_src s ON a.id = s.id
		WHEN MATCHED AND s.op = 'D' THEN DELETE WHEN MATCHED THEN UPDATE SET bal = s.bal
		WHEN NOT MATCHED THEN INSERT (id, bal) VALUES (s.id, s.bal)`); n != 3 {
		t.Fatalf("merge affected %d", n)
	}
	var ins, upd int64
	if err := db.QueryRowContext(sqlCtx(t), `MERGE INTO acct a USING (SELECT 9 AS id, 1.5 AS bal UNION ALL SELECT 10, 2) s ON a.id = s.id
		WHEN MATCHED THEN UPDATE SET bal = s.bal WHEN NOT MATCHED THEN INSERT (id, bal) VALUES (s.id, s.bal)`).Scan(&ins, &upd); err != nil || ins != 1 || upd != 1 {
		t.Fatalf("merge result row: %v ins=%d upd=%d", err, ins, upd)
	}
	var sum string
	if err := db.QueryRowContext(sqlCtx(t), `SELECT TO_VARCHAR(SUM(bal)) FROM acct`).Scan(&sum); err != nil || sum != "103.50" {
		t.Fatalf("sum after merges: %v %q", err, sum)
	}

	// explicit transactions on one connection (a *sql.Conn keeps the session)
	conn, err := db.Conn(sqlCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := sqlCtx(t)
	other := emu.Open(t, "SQLDB", "PUBLIC")
	count := func() int64 {
		var n int64
		if err := other.QueryRowContext(ctx, `SELECT count(*) FROM acct`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO acct VALUES (50, 5)`); err != nil {
		t.Fatal(err)
	}
	if count() != before {
		t.Fatal("uncommitted insert visible to another session")
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if count() != before {
		t.Fatal("rollback did not undo the insert")
	}
	// DDL commits the open transaction
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO acct VALUES (51, 5)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE ddl_commits (a INT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if count() != before+1 {
		t.Fatalf("DDL did not commit the open transaction: %d rows, want %d", count(), before+1)
	}
}

func TestSQLCaseRulesAndCatalog(t *testing.T) {
	emu, db := sqlSetup(t)
	db.SetMaxOpenConns(1) // one session: CREATE SCHEMA changes its current schema
	sqlExec(t, db, `CREATE SCHEMA other`)
	sqlExec(t, db, `CREATE TABLE SQLDB.OTHER."Orders" ("id" INT, "ID" INT, name VARCHAR(30) NOT NULL)`)
	sqlExec(t, db, `CREATE TABLE SQLDB.OTHER.ORDERS (x INT)`)
	sqlExec(t, db, `INSERT INTO sqldb.other."Orders" VALUES (1, 2, 'n')`)
	rows, err := db.QueryContext(sqlCtx(t), `SELECT "id", id, name AS nm, name AS "quoted" FROM sqldb.other."Orders"`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	if want := []string{"id", "ID", "NM", "quoted"}; len(cols) != 4 || cols[0] != want[0] || cols[1] != want[1] || cols[2] != want[2] || cols[3] != want[3] {
		t.Fatalf("column names %v", cols)
	}
	var a, b int64
	if err := db.QueryRowContext(sqlCtx(t), `SELECT "id", "ID" FROM sqldb.other."Orders"`).Scan(&a, &b); err != nil || a != 1 || b != 2 {
		t.Fatalf("quoted columns: %v %d %d", err, a, b)
	}
	type colRow struct {
		name, typ, nullable string
		pos                 int64
		maxLen              *int64
	}
	crs, err := db.QueryContext(sqlCtx(t), `SELECT column_name, data_type, is_nullable, ordinal_position, character_maximum_length
		FROM sqldb.information_schema.columns WHERE table_schema = 'OTHER' AND table_name = 'Orders' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	var got []colRow
	for crs.Next() {
		var c colRow
		if err := crs.Scan(&c.name, &c.typ, &c.nullable, &c.pos, &c.maxLen); err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	crs.Close()
	if len(got) != 3 || got[0].name != "id" || got[1].name != "ID" || got[2].name != "NAME" || got[2].typ != "TEXT" ||
		got[2].nullable != "NO" || got[0].nullable != "YES" || got[2].maxLen == nil || *got[2].maxLen != 30 || got[1].pos != 2 {
		t.Fatalf("information_schema.columns: %+v", got)
	}
	var n int64
	if err := db.QueryRowContext(sqlCtx(t), `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'OTHER' AND table_type = 'BASE TABLE'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("information_schema.tables: %v %d", err, n)
	}
	var rowCount int64
	if err := db.QueryRowContext(sqlCtx(t), `SELECT row_count FROM information_schema.tables WHERE table_name = 'Orders'`).Scan(&rowCount); err != nil || rowCount != 1 {
		t.Fatalf("row_count: %v %d", err, rowCount)
	}
	// SHOW TABLES / DESCRIBE TABLE through the driver
	srows, err := db.QueryContext(sqlCtx(t), `SHOW TABLES IN SCHEMA sqldb.other`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for srows.Next() {
		cols, _ := srows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for k := range vals {
			ptrs[k] = &vals[k]
		}
		if err := srows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		names = append(names, vals[1].(string))
	}
	srows.Close()
	if len(names) != 2 || names[0] != "ORDERS" || names[1] != "Orders" {
		t.Fatalf("SHOW TABLES names %v", names)
	}
	var cname, ctype string
	if err := db.QueryRowContext(sqlCtx(t), `DESCRIBE TABLE sqldb.other."Orders"`).Scan(&cname, &ctype, new(any), new(any), new(any), new(any), new(any), new(any), new(any), new(any), new(any), new(any)); err != nil || cname != "id" || ctype != "NUMBER(38,0)" {
		t.Fatalf("DESCRIBE: %v %s %s", err, cname, ctype)
	}
	var cdb, csch string
	if err := db.QueryRowContext(sqlCtx(t), `SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()`).Scan(&cdb, &csch); err != nil || cdb != "SQLDB" || csch != "OTHER" {
		t.Fatalf("current db/schema %v %s %s", err, cdb, csch)
	}
	// everything survives a restart
	sqlExec(t, db, `CREATE VIEW sqldb.other.v_orders AS SELECT name FROM sqldb.other."Orders"`)
	emu.Restart(t)
	db2 := emu.Open(t, "SQLDB", "OTHER")
	var name string
	if err := db2.QueryRowContext(sqlCtx(t), `SELECT name FROM v_orders`).Scan(&name); err != nil || name != "n" {
		t.Fatalf("after restart: %v %q", err, name)
	}
	if err := db2.QueryRowContext(sqlCtx(t), `SELECT "ID" FROM "Orders"`).Scan(&b); err != nil || b != 2 {
		t.Fatalf("after restart: %v %d", err, b)
	}
}
