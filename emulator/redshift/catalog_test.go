package redshift

import (
	"testing"
)

func TestCatalogViews(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	ctx := ctxT(t)
	for _, q := range []string{
		`CREATE SCHEMA sales`,
		`CREATE TABLE sales.orders (
			id bigint IDENTITY(1,1) ENCODE az64,
			customer varchar(40) NOT NULL ENCODE lzo DISTKEY,
			placed timestamp SORTKEY,
			total decimal(18,4),
			doc super,
			payload varbyte(64),
			shape geometry,
			at_time timetz,
			note nvarchar(10),
			v varchar,
			m varchar(max),
			dflt decimal,
			tx text,
			nc nchar
		) DISTSTYLE KEY COMPOUND SORTKEY (placed, id) BACKUP NO`,
		`CREATE TABLE sales.empty_one (a int) DISTSTYLE EVEN`,
		`CREATE TABLE plain (a int)`,
		`INSERT INTO sales.orders (customer, placed, total, doc, payload, shape, at_time, note)
			VALUES ('a', '2024-01-01 10:00', 1.5, json_parse('{"x": [1, 2]}'), '\x0102'::varbyte, 'POINT(1 2)', '10:00:00+02', 'n')`,
		`INSERT INTO sales.orders (customer) VALUES ('b')`,
		`INSERT INTO plain VALUES (1)`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// SVV_TABLES
	var typ string
	if err := c.QueryRow(ctx, `SELECT table_type FROM svv_tables WHERE table_schema = 'sales' AND table_name = 'orders'`).Scan(&typ); err != nil || typ != "BASE TABLE" {
		t.Fatalf("svv_tables: %q %v", typ, err)
	}
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM svv_tables WHERE table_schema IN ('pg_catalog', 'redshift_emulator', 'information_schema')`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("svv_tables shows system tables: %d %v", n, err)
	}
	// SVV_COLUMNS
	rows, err := c.Query(ctx, `SELECT column_name, data_type, coalesce(character_maximum_length, -1), coalesce(numeric_precision, -1), coalesce(numeric_scale, -1), is_nullable
		FROM svv_columns WHERE table_schema = 'sales' AND table_name = 'orders' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct {
		name, typ     string
		len, prec, sc int
		null          string
	}
	var cols []col
	for rows.Next() {
		var cl col
		if err := rows.Scan(&cl.name, &cl.typ, &cl.len, &cl.prec, &cl.sc, &cl.null); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, cl)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	want := []col{
		{"id", "bigint", -1, 64, 0, "NO"},
		{"customer", "character varying", 40, -1, -1, "NO"},
		{"placed", "timestamp without time zone", -1, -1, -1, "YES"},
		{"total", "numeric", -1, 18, 4, "YES"},
		{"doc", "super", -1, -1, -1, "YES"},
		{"payload", "binary varying", 64000, -1, -1, "YES"},
		{"shape", "geometry", -1, -1, -1, "YES"},
		{"at_time", "time with time zone", -1, -1, -1, "YES"},
		{"note", "character varying", 10, -1, -1, "YES"},
		{"v", "character varying", 256, -1, -1, "YES"},
		{"m", "character varying", 65535, -1, -1, "YES"},
		{"dflt", "numeric", -1, 18, 0, "YES"},
		{"tx", "character varying", 256, -1, -1, "YES"},
		{"nc", "character", 1, -1, -1, "YES"},
	}
	if len(cols) != len(want) {
		t.Fatalf("svv_columns: %+v", cols)
	}
	for i := range want {
		if cols[i] != want[i] {
			t.Errorf("svv_columns[%d] = %+v, want %+v", i, cols[i], want[i])
		}
	}
	// SVV_TABLE_INFO: only non-empty tables, as in Redshift
	var schema, table, dist, sort1 string
	var tableID int64
	var tblRows, size int64
	if err := c.QueryRow(ctx, `SELECT "schema", "table", table_id, diststyle, sortkey1, tbl_rows::bigint, size FROM svv_table_info WHERE "table" = 'orders'`).
		Scan(&schema, &table, &tableID, &dist, &sort1, &tblRows, &size); err != nil {
		t.Fatal(err)
	}
	if schema != "sales" || table != "orders" || tableID == 0 || dist != "KEY(customer)" || sort1 != "placed" || tblRows != 2 || size < 1 {
		t.Fatalf("svv_table_info: %s %s %d %s %s %d %d", schema, table, tableID, dist, sort1, tblRows, size)
	}
	if err := c.QueryRow(ctx, `SELECT diststyle, sortkey1 FROM svv_table_info WHERE "table" = 'plain'`).Scan(&dist, &sort1); err != nil || dist != "AUTO(ALL)" || sort1 != "AUTO(SORTKEY)" {
		t.Fatalf("defaults: %s %s %v", dist, sort1, err)
	}
	if err := c.QueryRow(ctx, `SELECT count(*) FROM svv_table_info WHERE "table" = 'empty_one'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("empty table listed: %d %v", n, err)
	}
	var oid int64
	if err := c.QueryRow(ctx, `SELECT 'sales.orders'::regclass::oid::bigint`).Scan(&oid); err != nil || oid != tableID {
		t.Fatalf("table_id %d != oid %d (%v)", tableID, oid, err)
	}
	// PG_TABLE_DEF: tables on the search_path
	if _, err := c.Exec(ctx, `SET search_path TO sales, public`); err != nil {
		t.Fatal(err)
	}
	var column, ctype string
	var distkey, notnull bool
	var sortkey int
	if err := c.QueryRow(ctx, `SELECT "column", type, distkey, sortkey, "notnull" FROM pg_table_def WHERE tablename = 'orders' AND "column" = 'customer'`).Scan(&column, &ctype, &distkey, &sortkey, &notnull); err != nil {
		t.Fatal(err)
	}
	if ctype != "character varying(40)" || !distkey || sortkey != 0 || !notnull {
		t.Fatalf("pg_table_def customer: %s %v %d %v", ctype, distkey, sortkey, notnull)
	}
	if err := c.QueryRow(ctx, `SELECT sortkey FROM pg_table_def WHERE tablename = 'orders' AND "column" = 'id'`).Scan(&sortkey); err != nil || sortkey != 2 {
		t.Fatalf("pg_table_def id sortkey %d %v", sortkey, err)
	}
	if err := c.QueryRow(ctx, `SELECT type FROM pg_table_def WHERE tablename = 'orders' AND "column" = 'doc'`).Scan(&ctype); err != nil || ctype != "super" {
		t.Fatalf("pg_table_def doc type %s %v", ctype, err)
	}
	// SUPER, VARBYTE, GEOMETRY, TIMETZ values read back
	var doc, shape, at string
	var payload []byte
	if err := c.QueryRow(ctx, `SELECT json_serialize(doc), payload, shape, at_time::text FROM sales.orders WHERE customer = 'a'`).Scan(&doc, &payload, &shape, &at); err != nil {
		t.Fatal(err)
	}
	if doc != `{"x": [1, 2]}` || string(payload) != "\x01\x02" || shape != "POINT(1 2)" || at != "10:00:00+02" {
		t.Fatalf("values: %s %v %s %s", doc, payload, shape, at)
	}
	// the catalog is installed again, idempotently, by a second server on the same database
	s2, err := Start(Config{Addr: "127.0.0.1:0", PostgresURL: s.cfg.PostgresURL, User: "awsuser", Password: testPassword})
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	s2.Close()
}

// A table name is data in the statement that records its keys, whatever the session's
// string settings.
func TestTableAttrsOddNames(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	ctx := ctxT(t)
	for _, q := range []string{
		`SET standard_conforming_strings = off`,
		`CREATE TABLE "we'ird\name" ("k'ey" int, b int) DISTSTYLE KEY DISTKEY ("k'ey") SORTKEY (b)`,
		`INSERT INTO "we'ird\name" VALUES (1, 2)`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var dist, sort1 string
	if err := c.QueryRow(ctx, `SELECT diststyle, sortkey1 FROM svv_table_info WHERE "table" = $1`, `we'ird\name`).Scan(&dist, &sort1); err != nil {
		t.Fatal(err)
	}
	if dist != `KEY(k'ey)` || sort1 != "b" {
		t.Fatalf("attrs %s %s", dist, sort1)
	}
}

// Redshift functions the product's casts use: TO_HEX(varbyte), ST_AsText(geometry),
// JSON_SERIALIZE(scalar::super), TO_VARBYTE/FROM_VARBYTE.
func TestRedshiftFunctions(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	ctx := ctxT(t)
	for _, q := range []string{
		`CREATE TABLE public.blobs (id integer NOT NULL, vb varbyte(16), g geometry, name varchar(10), n int, doc super)`,
		`INSERT INTO public.blobs VALUES (1, '\x00ff10'::varbyte, 'POINT(1 2)', 'it"s', 7, json_parse('[1,{"a":null}]')), (2, NULL, NULL, NULL, NULL, NULL)`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var hex, wkt, name, n, doc, fromVB *string
	if err := c.QueryRow(ctx, `SELECT to_hex(vb), ST_AsText(g), json_serialize(name::super), json_serialize("n"::super), json_serialize(doc::super), from_varbyte(to_varbyte('6869', 'hex'), 'utf8') FROM public.blobs WHERE id = 1`).
		Scan(&hex, &wkt, &name, &n, &doc, &fromVB); err != nil {
		t.Fatal(err)
	}
	if *hex != "00ff10" || *wkt != "POINT(1 2)" || *name != `"it\"s"` || *n != "7" || *doc != `[1, {"a": null}]` || *fromVB != "hi" {
		t.Fatalf("got %s %s %s %s %s %s", *hex, *wkt, *name, *n, *doc, *fromVB)
	}
	if err := c.QueryRow(ctx, `SELECT to_hex(vb), ST_AsText(g), json_serialize(name::super) FROM public.blobs WHERE id = 2`).Scan(&hex, &wkt, &name); err != nil {
		t.Fatal(err)
	}
	if hex != nil || wkt != nil || name != nil { // a NULL stays NULL through SUPER
		t.Fatalf("nulls: %v %v %v", hex, wkt, name)
	}
}
