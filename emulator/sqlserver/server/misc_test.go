package server

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-sql/sqlexp"
	mssql "github.com/microsoft/go-mssqldb"
)

func TestMiscStatements(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "SET NOCOUNT ON; CREATE TABLE c (a int NOT NULL, b int, s AS (a * 2) PERSISTED, CONSTRAINT pk_c PRIMARY KEY (a))")
	mustExec(t, db, "INSERT INTO c (a, b) VALUES (1, 10), (2, 20)")
	mustExec(t, db, "INSERT INTO c (a, b) SELECT a + 10, b FROM c")
	var n, s, rn int
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*), SUM(s), MAX(ROW_NUMBER() OVER (ORDER BY a)) FROM c").Scan(&n, &s, &rn); err != nil {
		// window in aggregate is invalid in SQL Server too; use a subquery
		if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*), SUM(s), MAX(r) FROM (SELECT s, ROW_NUMBER() OVER (ORDER BY a) AS r FROM c) x").Scan(&n, &s, &rn); err != nil {
			t.Fatal(err)
		}
	}
	if n != 4 || s != 2*(1+2+11+12) || rn != 4 {
		t.Fatalf("computed/insert-select/window: %d %d %d", n, s, rn)
	}
	var computed int
	var ctype string
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*), MAX(TYPE_NAME(c.user_type_id)) FROM sys.computed_columns cc JOIN sys.columns c ON c.object_id = cc.object_id AND c.column_id = cc.column_id WHERE cc.object_id = OBJECT_ID('c') AND cc.name = 's'").Scan(&computed, &ctype); err != nil || computed != 1 || ctype != "int" {
		t.Fatalf("sys.computed_columns: %d %q %v", computed, ctype, err)
	}
	var pk string
	if err := db.QueryRowContext(ctx(t), "SELECT name FROM sys.key_constraints WHERE type = 'PK' AND parent_object_id = OBJECT_ID('dbo.c')").Scan(&pk); err != nil || pk != "pk_c" {
		t.Fatalf("sys.key_constraints: %q %v", pk, err)
	}
	var oid, oid2 int64
	var oname, sname string
	if err := db.QueryRowContext(ctx(t), "SELECT OBJECT_ID(@p1), OBJECT_ID('dbo.c'), OBJECT_NAME(OBJECT_ID(@p1)), OBJECT_SCHEMA_NAME(OBJECT_ID(@p1))", "[dbo].[c]").Scan(&oid, &oid2, &oname, &sname); err != nil || oid != oid2 || oname != "c" || sname != "dbo" {
		t.Fatalf("OBJECT_ID of a parameter: %d %d %q %q %v", oid, oid2, oname, sname, err)
	}
	// Unqualified columns as the catalog functions' arguments are the outer row's, as
	// in SQL Server (the views behind the functions have columns of the same names).
	var unq string
	if err := db.QueryRowContext(ctx(t), `SELECT STRING_AGG(SCHEMA_NAME(schema_id) + N'.' + OBJECT_NAME(object_id) + N'/' + CAST(SCHEMA_ID(SCHEMA_NAME(schema_id)) AS varchar(10)), N',') FROM sys.objects
WHERE type = 'U' AND name = N'c'`).Scan(&unq); err != nil || unq != "dbo.c/1" {
		t.Fatalf("SCHEMA_NAME(schema_id), OBJECT_NAME(object_id) over sys.objects: %q %v", unq, err)
	}
	var colType string
	if err := db.QueryRowContext(ctx(t), `SELECT TYPE_NAME(user_type_id) FROM sys.columns WHERE object_id = OBJECT_ID('dbo.c') AND name = N'a'`).Scan(&colType); err != nil || colType != "int" {
		t.Fatalf("TYPE_NAME(user_type_id) over sys.columns: %q %v", colType, err)
	}
	var rowCount int64
	if err := db.QueryRowContext(ctx(t), "SELECT SUM(ps.row_count) FROM sys.dm_db_partition_stats ps WHERE ps.object_id = OBJECT_ID(@p1) AND ps.index_id IN (0, 1)", "c").Scan(&rowCount); err != nil || rowCount != 4 {
		t.Fatalf("row count from partition stats: %d %v", rowCount, err)
	}
	var gs, bs string
	if err := db.QueryRowContext(ctx(t), "SELECT CONVERT(varchar(36), CAST('6f9619ff-8b86-d011-b42d-00c04fc964ff' AS uniqueidentifier)), CAST(CAST(1 AS bit) AS varchar(1))").Scan(&gs, &bs); err != nil || gs != "6F9619FF-8B86-D011-B42D-00C04FC964FF" || bs != "1" {
		t.Fatalf("text forms: %q %q %v", gs, bs, err)
	}
	conn, err := db.Conn(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	r, err := conn.ExecContext(ctx(t), "SET NOCOUNT ON; UPDATE c SET b = b + 1")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.RowsAffected(); n != 0 {
		t.Fatalf("NOCOUNT ON still reports %d rows", n)
	}
	conn.ExecContext(ctx(t), "SET NOCOUNT OFF")
	r, _ = conn.ExecContext(ctx(t), "UPDATE c SET b = b + 1")
	if n, _ := r.RowsAffected(); n != 4 {
		t.Fatalf("NOCOUNT OFF reports %d rows, want 4", n)
	}
	conn.Close()
	// HASHBYTES hashes varchar in code page 1252 and nvarchar in UTF-16LE
	mustExec(t, db, "CREATE TABLE h (v varchar(10), n nvarchar(10))")
	mustExec(t, db, "INSERT INTO h VALUES ('café', N'café')")
	var hv, hn, hl []byte
	var asInt int64
	if err := db.QueryRowContext(ctx(t), "SELECT HASHBYTES('MD5', v), HASHBYTES('SHA2_256', n), HASHBYTES('MD5', N'café'), CONVERT(bigint, HASHBYTES('MD5', v)) FROM h").Scan(&hv, &hn, &hl, &asInt); err != nil {
		t.Fatal(err)
	}
	// md5 of 63 61 66 e9 (cp1252); sha256 and md5 of the UTF-16LE bytes
	u16 := []byte{'c', 0, 'a', 0, 'f', 0, 0xe9, 0}
	sh, mh := sha256.Sum256(u16), md5.Sum(u16)
	if fmt.Sprintf("%x", hv) != "961f50f6282239d09e48f812c1ca7276" || string(hn) != string(sh[:]) || string(hl) != string(mh[:]) ||
		uint64(asInt) != binary.BigEndian.Uint64(hv[8:]) {
		t.Fatalf("hashbytes %x %x %x %d", hv, hn, hl, asInt)
	}
	mustExec(t, db, "ALTER DATABASE master SET ALLOW_SNAPSHOT_ISOLATION ON; ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE")
	// foreign keys are accepted (not enforced)
	mustExec(t, db, "CREATE TABLE customers (id bigint NOT NULL PRIMARY KEY, name nvarchar(50))")
	mustExec(t, db, `CREATE TABLE orders (id bigint NOT NULL PRIMARY KEY,
		customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
		other bigint NULL CONSTRAINT fk_other FOREIGN KEY REFERENCES dbo.customers (id),
		CONSTRAINT fk_cust FOREIGN KEY (customer_id) REFERENCES customers (id) ON UPDATE NO ACTION)`)
	if _, err := db.ExecContext(ctx(t), "CREATE TABLE bad (a int REFERENCES customers(id) ON DELETE EXPLODE)"); errNumber(err) != 102 {
		t.Fatalf("bad foreign key action: %v", err)
	}
	// PRINT arrives as an INFO message
	retmsg := &sqlexp.ReturnMessage{}
	rows, err := db.QueryContext(context.Background(), "PRINT 'hello'", retmsg)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for active := true; active; {
		switch m := retmsg.Message(ctx(t)).(type) {
		case sqlexp.MsgNotice:
			got = m.Message.String()
		case sqlexp.MsgNextResultSet:
			active = rows.NextResultSet()
		case sqlexp.MsgNext:
			for rows.Next() {
			}
		}
	}
	rows.Close()
	if got != "hello" {
		t.Fatalf("PRINT: %q", got)
	}
	// return status of sp_executesql
	var rs mssql.ReturnStatus
	if _, err := db.ExecContext(ctx(t), "SELECT a FROM c WHERE a = @p1", 1, &rs); err != nil || rs != 0 {
		t.Fatalf("return status %d %v", rs, err)
	}
}

// TestPaddedCaseInsensitiveKeys: SQL Server compares 'a ' = 'A' under
// SQL_Latin1_General_CP1_CI_AS; keys, comparisons and ORDER BY must agree.
func TestPaddedCaseInsensitiveKeys(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE k (name varchar(10) NOT NULL PRIMARY KEY, cs varchar(10) COLLATE Latin1_General_CS_AS NULL, n int)")
	mustExec(t, db, "INSERT INTO k VALUES ('a ', 'x', 1), ('B', 'X', 2), (N'c', NULL, 3)")
	for _, dup := range []string{"A", "a", "b  "} {
		if _, err := db.ExecContext(ctx(t), "INSERT INTO k (name, n) VALUES (@p1, 9)", dup); errNumber(err) != 2627 {
			t.Errorf("duplicate key %q: want 2627, got %v", dup, err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx(t), "SELECT n FROM k WHERE name = 'A'").Scan(&n); err != nil || n != 1 {
		t.Errorf("'A' = 'a ': %d %v", n, err)
	}
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM k WHERE name > @p1", "a    ").Scan(&n); err != nil || n != 2 {
		t.Errorf("name > 'a    ': %d %v", n, err)
	}
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM k WHERE name COLLATE Latin1_General_BIN2 > @p1", "B ").Scan(&n); err != nil || n != 2 {
		t.Errorf("explicit binary collation with padding: %d %v", n, err)
	}
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM k WHERE cs = 'x'").Scan(&n); err != nil || n != 1 {
		t.Errorf("case-sensitive column: %d %v", n, err)
	}
	// assignments store values as given (trailing spaces kept); only comparisons pad
	mustExec(t, db, "UPDATE k SET n = 30, cs = NULL WHERE name = N'C  '")
	mustExec(t, db, "UPDATE k SET name = 'd  ' WHERE n = 30")
	var stored string
	if err := db.QueryRowContext(ctx(t), "SELECT name FROM k WHERE n = 30").Scan(&stored); err != nil || stored != "d  " {
		t.Fatalf("UPDATE SET of a text column: %q %v", stored, err)
	}
	rows, err := db.QueryContext(ctx(t), "SELECT name FROM k ORDER BY cs, name DESC")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	rows.Close()
	// NULL first ascending; binary order 'X' < 'x'
	if strings.Join(got, "|") != "d  |B|a " {
		t.Errorf("order: %q", got)
	}
}

// TestBulkCopy: go-mssqldb's CopyIn (INSERT BULK + BulkLoad) loads rows of several types.
func TestBulkCopy(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE bk (id bigint NOT NULL PRIMARY KEY, name nvarchar(20), v varchar(10), amount decimal(12,3), at datetime2(7), g uniqueidentifier, b varbinary(10), ok bit)")
	txn, err := db.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := txn.PrepareContext(ctx(t), mssql.CopyIn("bk", mssql.BulkOptions{}, "id", "name", "v", "amount", "at", "g", "b", "ok"))
	if err != nil {
		t.Fatal(err)
	}
	guid := mssql.UniqueIdentifier{0x6F, 0x96, 0x19, 0xFF, 0x8B, 0x86, 0xD0, 0x11, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF}
	gv, _ := guid.Value()
	for i := 0; i < 2500; i++ {
		var name any = fmt.Sprintf("naïve %d", i)
		if i%10 == 0 {
			name = nil
		}
		if _, err := stmt.ExecContext(ctx(t), i, name, "v", fmt.Sprintf("%d.125", i), time.Date(2020, 1, 2, 3, 4, 5, 100*i, time.UTC),
			gv, []byte{byte(i)}, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
	res, err := stmt.ExecContext(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 2500 {
		t.Fatalf("bulk copy reports %d rows", n)
	}
	stmt.Close()
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	var n, nulls int
	var sum string
	var at time.Time
	var name string
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*), COUNT(*) - COUNT(name), CAST(SUM(amount) AS varchar(30)) FROM bk").Scan(&n, &nulls, &sum); err != nil {
		t.Fatal(err)
	}
	var g mssql.UniqueIdentifier
	if err := db.QueryRowContext(ctx(t), "SELECT name, at, g FROM bk WHERE id = 7").Scan(&name, &at, &g); err != nil {
		t.Fatal(err)
	}
	if g != guid {
		t.Fatalf("guid %s", g)
	}
	if n != 2500 || nulls != 250 || sum != "3124062.500" || name != "naïve 7" || at.Nanosecond() != 700 {
		t.Fatalf("bulk rows: %d nulls %d sum %s name %q at %v", n, nulls, sum, name, at)
	}
	// a subset of the columns goes through INSERT; a duplicate key fails with 2627
	copyIn := func(cols []string, rows [][]any) error {
		txn, err := db.BeginTx(ctx(t), nil)
		if err != nil {
			return err
		}
		defer txn.Rollback()
		stmt, err := txn.PrepareContext(ctx(t), mssql.CopyIn("bk", mssql.BulkOptions{}, cols...))
		if err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx(t), r...); err != nil {
				return err
			}
		}
		if _, err := stmt.ExecContext(ctx(t)); err != nil {
			return err
		}
		stmt.Close()
		return txn.Commit()
	}
	if err := copyIn([]string{"id", "v"}, [][]any{{5000, "x"}, {5001, "y"}}); err != nil {
		t.Fatal(err)
	}
	if err := copyIn([]string{"id", "name", "v", "amount", "at", "g", "b", "ok"}, [][]any{{1, "dup", "v", "1", time.Now(), gv, []byte{1}, true}}); errNumber(err) != 2627 {
		t.Fatalf("duplicate key through the appender: want 2627, got %v", err)
	}
	if err := copyIn([]string{"id", "v"}, [][]any{{6000, "much too long"}}); errNumber(err) != 2628 {
		t.Fatalf("too long through INSERT: want 2628, got %v", err)
	}
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM bk").Scan(&n); err != nil || n != 2502 {
		t.Fatalf("rows after the subset load: %d %v", n, err)
	}
}

// TestRPCFramingAndDatabases: several statements in one sp_executesql (DONEINPROC counts
// summed), an error inside it, USE inside a batch, DROP DATABASE.
func TestRPCFramingAndDatabases(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir)
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE r (a int)")
	res := mustExec(t, db, "INSERT INTO r VALUES (@p1); INSERT INTO r VALUES (@p1), (@p2); UPDATE r SET a = a + 1", 1, 2)
	if n, _ := res.RowsAffected(); n != 6 {
		t.Fatalf("rows affected %d, want 1 + 2 + 3", n)
	}
	if _, err := db.ExecContext(ctx(t), "INSERT INTO r VALUES (@p1); SELECT * FROM missing", 9); errNumber(err) != 208 {
		t.Fatalf("error inside sp_executesql: %v", err)
	}
	conn, err := db.Conn(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var name string
	if _, err := conn.ExecContext(ctx(t), "CREATE DATABASE other"); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx(t), "USE other; SELECT DB_NAME()").Scan(&name); err != nil || name != "other" {
		t.Fatalf("USE in a batch: %q %v", name, err)
	}
	if _, err := conn.ExecContext(ctx(t), "DROP DATABASE other"); errNumber(err) != 3702 {
		t.Fatalf("dropping the current database: %v", err)
	}
	if _, err := conn.ExecContext(ctx(t), "USE master; DROP DATABASE other"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx(t), "USE other"); errNumber(err) != 911 {
		t.Fatalf("USE of a dropped database: %v", err)
	}
	var n int
	if err := conn.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM sys.databases WHERE name = 'other'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("sys.databases after drop: %d %v", n, err)
	}
}

// TestImplicitColumnsAndRowversion: INSERT without a column list skips identity,
// rowversion and computed columns; rowversion changes on every write.
func TestImplicitColumnsAndRowversion(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE rv (id int IDENTITY(10, 5) PRIMARY KEY, name nvarchar(10), twice AS (LEN(name) * 2), ver rowversion)")
	mustExec(t, db, "INSERT INTO rv VALUES (N'ab'), (N'abc')")
	mustExec(t, db, "INSERT INTO rv SELECT N'x'")
	var ids, twice string
	var v1, v2 []byte
	if err := db.QueryRowContext(ctx(t), "SELECT STRING_AGG(CAST(id AS varchar(5)), ','), CAST(SUM(twice) AS varchar(5)) FROM rv").Scan(&ids, &twice); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx(t), "SELECT ver FROM rv WHERE id = 10").Scan(&v1); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, "UPDATE rv SET name = N'z' WHERE id = 10")
	if err := db.QueryRowContext(ctx(t), "SELECT ver FROM rv WHERE id = 10").Scan(&v2); err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 || twice != "12" || len(v1) != 8 || len(v2) != 8 || string(v1) >= string(v2) {
		t.Fatalf("ids %s twice %s rowversion %x then %x", ids, twice, v1, v2)
	}
}
