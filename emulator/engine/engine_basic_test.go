package engine

import (
	"testing"
)

func TestCreateInsertSelect(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE t1 (id INT NOT NULL, name VARCHAR(20), amt NUMBER(10,2), f FLOAT, b BOOLEAN, d DATE, ts TIMESTAMP_NTZ, v VARIANT)`)
	r := mustExec(t, s, `INSERT INTO t1 VALUES (1, 'a', 1.25, 1.5, true, '2020-01-02', '1960-01-01 00:00:00.5', PARSE_JSON('{"k":[1,2]}')), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
	if r.StatementTypeID != StmtInsert || cells(r) != "2" {
		t.Fatalf("insert result %d %q", r.StatementTypeID, cells(r))
	}
	r = expectRows(t, s, `SELECT * FROM t1 ORDER BY id`, `1,a,1.25,1.5,1,18263,-315619200.500000000,{"k":[1,2]};2,NULL,NULL,NULL,NULL,NULL,NULL,NULL`)
	want := []string{"ID:fixed", "NAME:text", "AMT:fixed", "F:real", "B:boolean", "D:date", "TS:timestamp_ntz", "V:variant"}
	for k, c := range r.Columns {
		if got := c.Name + ":" + c.Type; got != want[k] {
			t.Fatalf("column %d = %s want %s", k, got, want[k])
		}
	}
	if r.Columns[1].Length != 20 || r.Columns[2].Precision != 10 || r.Columns[2].Scale != 2 {
		t.Fatalf("column meta %+v %+v", r.Columns[1], r.Columns[2])
	}
	expectRows(t, s, `select id, v:k[1]::int as x, v:k, name || 'z' from t1 where id = 1`, `1,2,[1,2],az`)
	expectRows(t, s, `select count(*), sum(amt), max(name) from t1`, `2,1.25,a`)
	expectErr(t, s, `INSERT INTO t1 (id) VALUES (NULL)`, ErrNotNull)
	expectErr(t, s, `SELECT * FROM nosuch`, ErrObjectNotExists)
	expectErr(t, s, `INSERT INTO t1 (id) VALUES ('abc')`, ErrNumericConv)
	expectErr(t, s, `SELECT 1/0`, ErrDivByZero)
	expectErr(t, s, `SELEC 1`, ErrSyntax)
	expectErr(t, s, `CREATE TABLE t1 (a INT)`, ErrAlreadyExists)
}
