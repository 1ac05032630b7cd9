package engine

import (
	"testing"
)

func TestMerge(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE tgt (id INT, v VARCHAR, n INT)`)
	mustExec(t, s, `INSERT INTO tgt VALUES (1,'a',0),(2,'b',0),(3,'c',0)`)
	mustExec(t, s, `CREATE TABLE src (id INT, v VARCHAR, del BOOLEAN)`)
	mustExec(t, s, `INSERT INTO src VALUES (1,'A',false),(2,'B',true),(4,'D',false),(5,NULL,false)`)
	r := mustExec(t, s, `MERGE INTO tgt t USING src s ON t.id = s.id
		WHEN MATCHED AND s.del THEN DELETE
		WHEN MATCHED THEN UPDATE SET v = s.v, n = t.n + 1
		WHEN NOT MATCHED AND s.v IS NOT NULL THEN INSERT (id, v, n) VALUES (s.id, s.v, 10)`)
	if r.StatementTypeID != StmtMerge {
		t.Fatalf("stmt type %x", r.StatementTypeID)
	}
	if r.Columns[0].Name != "number of rows inserted" || r.Columns[1].Name != "number of rows updated" || r.Columns[2].Name != "number of rows deleted" {
		t.Fatalf("merge columns %+v", r.Columns)
	}
	if got := cells(r); got != "1,1,1" {
		t.Fatalf("merge counts %q", got)
	}
	expectRows(t, s, `SELECT id, v, n FROM tgt ORDER BY id`, `1,A,1;3,c,0;4,D,10`)
	// source subquery with binds, only NOT MATCHED
	r = mustExec(t, s, `MERGE INTO tgt USING (SELECT 7 AS id, 'G' AS v) AS x ON tgt.id = x.id WHEN NOT MATCHED THEN INSERT VALUES (x.id, x.v, 0)`)
	if cells(r) != "1" || len(r.Columns) != 1 {
		t.Fatalf("merge insert-only %q", cells(r))
	}
	// array-bound source: one row per element
	r, err := exec(s, `MERGE INTO tgt USING (SELECT ? AS id, ? AS v) s ON tgt.id = s.id WHEN MATCHED THEN UPDATE SET tgt.v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)`,
		map[string]Bind{"1": {Type: "FIXED", Value: []any{"1", "8"}}, "2": {Type: "TEXT", Value: []any{"one", "eight"}}})
	if err != nil {
		t.Fatal(err)
	}
	if cells(r) != "1,1" {
		t.Fatalf("array merge %q", cells(r))
	}
	expectRows(t, s, `SELECT id, v FROM tgt ORDER BY id`, `1,one;3,c;4,D;7,G;8,eight`)
	// nondeterministic merge
	mustExec(t, s, `INSERT INTO src VALUES (3,'X',false),(3,'Y',false)`)
	expectErr(t, s, `MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = src.v`, 100090)
	expectRows(t, s, `SELECT v FROM tgt WHERE id = 3`, `c`)
}

func TestUpdateDeleteBinds(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE u (id INT, v VARCHAR, d DATE, ts TIMESTAMP_NTZ, tl TIMESTAMP_LTZ, tz TIMESTAMP_TZ, tm TIME, bin BINARY, f DOUBLE, b BOOLEAN, big NUMBER(38,0))`)
	r, err := exec(s, `INSERT INTO u VALUES (?,?,?,?,?,?,?,?,?,?,?)`, map[string]Bind{
		"1": {Type: "FIXED", Value: "1"}, "2": {Type: "TEXT", Value: "it's"}, "3": {Type: "DATE", Value: "-86400000"},
		"4": {Type: "TIMESTAMP_NTZ", Value: "-500000000"}, "5": {Type: "TIMESTAMP_LTZ", Value: "1000000001"},
		"6": {Type: "TIMESTAMP_TZ", Value: "1500000000 1500"}, "7": {Type: "TIME", Value: "3723000000000"},
		"8": {Type: "BINARY", Value: "DEADBEEF"}, "9": {Type: "REAL", Value: "2.5"}, "10": {Type: "BOOLEAN", Value: "true"},
		"11": {Type: "FIXED", Value: "123456789012345678901234567890"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if cells(r) != "1" {
		t.Fatal(cells(r))
	}
	expectRows(t, s, `SELECT * FROM u`, `1,it's,-1,-1.500000000,1.000000001,1.500000000 1500,3723.000000000,DEADBEEF,2.5,1,123456789012345678901234567890`)
	// array binding inserts one row per element
	r, err = exec(s, `INSERT INTO u (id, v) VALUES (?, ?)`, map[string]Bind{"1": {Type: "FIXED", Value: []any{"2", "3", "4"}}, "2": {Type: "TEXT", Value: []any{"x", nil, "z"}}})
	if err != nil || cells(r) != "3" {
		t.Fatalf("array insert: %v %v", err, r)
	}
	r, err = exec(s, `UPDATE u SET v = :2 WHERE id = :1`, map[string]Bind{"1": {Type: "FIXED", Value: "3"}, "2": {Type: "TEXT", Value: "y"}})
	if err != nil || cells(r) != "1,0" || r.StatementTypeID != StmtUpdate {
		t.Fatalf("update: %v %v", err, r)
	}
	r, err = exec(s, `DELETE FROM u WHERE id IN (?, ?)`, map[string]Bind{"1": {Type: "FIXED", Value: "2"}, "2": {Type: "FIXED", Value: "4"}})
	if err != nil || cells(r) != "2" || r.StatementTypeID != StmtDelete {
		t.Fatalf("delete: %v %v", err, r)
	}
	expectRows(t, s, `SELECT id, v FROM u ORDER BY id`, `1,it's;3,y`)
	mustExec(t, s, `CREATE TABLE u2 (id INT)`)
	mustExec(t, s, `INSERT INTO u2 VALUES (3)`)
	expectRows(t, s, `DELETE FROM u USING u2 WHERE u.id = u2.id`, `1`)
	expectRows(t, s, `UPDATE u SET v = 'q' FROM u2 WHERE u.id <> u2.id`, `1,0`)
	expectRows(t, s, `TRUNCATE TABLE u`, `Statement executed successfully.`)
	expectRows(t, s, `SELECT count(*) FROM u`, `0`)
}

func TestAlterTable(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE a1 (x INT)`)
	mustExec(t, s, `CREATE TABLE a2 (y VARCHAR)`)
	mustExec(t, s, `INSERT INTO a1 VALUES (1)`)
	mustExec(t, s, `INSERT INTO a2 VALUES ('s')`)
	mustExec(t, s, `ALTER TABLE a1 SWAP WITH a2`)
	expectRows(t, s, `SELECT * FROM a1`, `s`)
	expectRows(t, s, `SELECT * FROM a2`, `1`)
	mustExec(t, s, `ALTER TABLE a1 ADD COLUMN z NUMBER(5,1), "w" TIMESTAMP_LTZ`)
	expectRows(t, s, `DESCRIBE TABLE a1`, `Y,VARCHAR(16777216),COLUMN,Y,NULL,N,N,NULL,NULL,NULL,NULL,NULL;Z,NUMBER(5,1),COLUMN,Y,NULL,N,N,NULL,NULL,NULL,NULL,NULL;w,TIMESTAMP_LTZ(9),COLUMN,Y,NULL,N,N,NULL,NULL,NULL,NULL,NULL`)
	mustExec(t, s, `ALTER TABLE a1 RENAME TO a3`)
	expectErr(t, s, `SELECT * FROM a1`, ErrObjectNotExists)
	expectRows(t, s, `SELECT y, z FROM a3`, `s,NULL`)
	mustExec(t, s, `CREATE OR REPLACE TRANSIENT TABLE a3 (k INT) CLUSTER BY (k) COPY GRANTS COMMENT = 'hi' DATA_RETENTION_TIME_IN_DAYS = 0`)
	expectRows(t, s, `SELECT count(*) FROM a3`, `0`)
	expectRows(t, s, `SHOW TABLES LIKE 'A3'`, cells(mustExec(t, s, `SHOW TABLES LIKE 'a%3' IN SCHEMA testdb.public`)))
	r := mustExec(t, s, `SHOW TABLES LIKE 'A3'`)
	if len(r.Rows) != 1 || *r.Rows[0][4] != "TRANSIENT" || *r.Rows[0][5] != "hi" {
		t.Fatalf("show tables %q", cells(r))
	}
	mustExec(t, s, `CREATE TABLE ctas AS SELECT x AS k, 'v'::VARCHAR(3) AS c, current_timestamp() AS ts FROM a2`)
	expectRows(t, s, `SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 'CTAS' ORDER BY ordinal_position`, `K,NUMBER,NULL;C,TEXT,3;TS,TIMESTAMP_LTZ,NULL`)
	expectErr(t, s, `CREATE ICEBERG TABLE ice (a INT)`, ErrSyntax)
	mustExec(t, s, `CREATE EXTERNAL VOLUME vol STORAGE_LOCATIONS = ((NAME = 'l' STORAGE_PROVIDER = 'S3' STORAGE_BASE_URL = 's3://b/ice/'))`)
	mustExec(t, s, `CREATE ICEBERG TABLE ice (a INT, b VARCHAR) CATALOG = 'SNOWFLAKE' EXTERNAL_VOLUME = 'vol' BASE_LOCATION = 'ice/'`)
	mustExec(t, s, `INSERT INTO ice VALUES (1, 'b')`)
	expectRows(t, s, `SELECT is_iceberg, row_count FROM information_schema.tables WHERE table_name = 'ICE'`, `YES,1`)
	expectErr(t, s, `CREATE ICEBERG TABLE ice2 (a INT) EXTERNAL_VOLUME = 'v' BOGUS = 1`, ErrSyntax)
	mustExec(t, s, `DROP TABLE IF EXISTS nothere`)
	expectErr(t, s, `DROP TABLE nothere`, ErrObjectNotExists)
	mustExec(t, s, `CREATE VIEW v1 AS SELECT * FROM ice`)
	expectRows(t, s, `SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('V1', 'ICE') ORDER BY 1`, `ICE,BASE TABLE;V1,VIEW`)
	mustExec(t, s, `DROP VIEW v1`)
	mustExec(t, s, `DROP SCHEMA IF EXISTS nos`)
}

func TestDescribeOnly(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE d (a NUMBER(12,3), b VARCHAR(7))`)
	r, err := s.Execute(ctxBG(), `SELECT a, b FROM d WHERE a = ?`, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 0 || len(r.Columns) != 2 || r.Columns[0].Scale != 3 || r.Columns[1].Length != 7 {
		t.Fatalf("describe %+v", r)
	}
	r, err = s.Execute(ctxBG(), `INSERT INTO d VALUES (?, ?)`, nil, true)
	if err != nil || r.StatementTypeID != StmtInsert {
		t.Fatalf("describe insert %v %+v", err, r)
	}
	expectRows(t, s, `SELECT count(*) FROM d`, `0`)
}
