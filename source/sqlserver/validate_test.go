package sqlserver

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

const profileDDL = `CREATE TABLE dbo.prof (id int NOT NULL PRIMARY KEY, n decimal(12,2), v nvarchar(20), c char(5), d datetime2(6),
  dto datetimeoffset(3), f float, b varbinary(10), flag bit, u uniqueidentifier)`

const profileRows = `INSERT INTO dbo.prof VALUES (1, 1.255, N'one', 'a', '2024-01-01 10:00:00', '2024-01-01 10:00:00.123 +02:00', 0.5, 0x00FF, 1, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
  (2, -7.5, N'', 'bb ', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00 +00:00', 1e300, 0x, 0, NULL),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 100, N'four ñ', 'dddd', '2030-06-15 12:00:00', '2030-06-15 12:00:00 -05:30', -2.25, 0x0102030405, 1, NULL)`

// Column metrics on the local SQL Server over the values as the target holds them:
// decimals at the target scale (1.255 → 1.26), char(n) with its padding, instants in
// UTC, binary lengths in bytes, floats as the exact double.
func TestProfileColumnsSQLServer(t *testing.T) {
	s, _ := newDB(t, profileDDL, profileRows)
	tc := tableConfig("prof", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.ProfileColumns(ctxT(t), source.ProfileRequest{Table: tc, TableShape: info.TableShape})
	if err != nil {
		t.Fatal(err)
	}
	str := func(p *string) string {
		if p == nil {
			return "NULL"
		}
		return *p
	}
	var got []string
	for _, m := range ms {
		d := "-"
		if m.Distinct != nil {
			d = itoa(*m.Distinct)
		}
		got = append(got, m.Column+" "+m.Kind+" "+itoa(m.Count)+" "+itoa(m.Nulls)+" "+d+" "+str(m.Min)+" "+str(m.Max)+" "+str(m.Sum))
	}
	want := []string{
		"ID number 4 0 4 1 4 10",
		"N number 3 1 3 -7.50 100.00 93.76",
		"V text 3 1 3 0 6 9",
		"C text 3 1 3 5 5 15",
		"D temporal 3 1 3 1999-12-31 23:59:59.999999 2030-06-15 12:00:00.000000 NULL",
		"DTO temporal 3 1 3 2000-01-01 00:00:00.000000 2030-06-15 17:30:00.000000 NULL",
		"F float 3 1 3 -2.25 1e+300 NULL",
		"B binary 3 1 3 0 5 7",
		"FLAG boolean 3 1 2 NULL NULL 2",
		"U text 1 3 1 36 36 36",
	}
	if a := ms[2].Avg; a == nil || !strings.HasPrefix(*a, "3.") && *a != "3" {
		t.Errorf("V avg = %v, want 3 (9 characters over 3 values)", a)
	}
	if a := ms[7].Avg; a == nil || !strings.HasPrefix(*a, "2.333333") {
		t.Errorf("B avg = %s, want 7/3 (a decimal mean, not T-SQL's integer AVG)", str(a))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("metrics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// PartitionSQL and RowSQL, the statements shown beside a difference, inline their
// bounds and keys as escaped literals: a hostile text key selects exactly its row.
func TestFetchSQLHostileKeys(t *testing.T) {
	s, db := newDB(t, `CREATE TABLE dbo.h (k nvarchar(40) NOT NULL, v int)`,
		`INSERT INTO dbo.h VALUES (N'a', 1), (N'b''); DROP TABLE dbo.h; --', 2), (N'c ', 3), (N'c', 4), (N'd', 5)`)
	tc := tableConfig("h", "k")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	req := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1, Lower: []string{"a"}, Upper: []string{"c "}}}
	q, err := s.PartitionSQL(req)
	if err != nil {
		t.Fatal(err)
	}
	vals := func(q string) []int {
		rows, err := db.QueryContext(ctxT(t), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []int
		for rows.Next() {
			var k string
			var v int
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	// (a, 'c '] in code point order: the hostile key, 'c' and 'c ' (trailing blank kept).
	if got := vals(q); fmt.Sprint(got) != "[2 4 3]" {
		t.Errorf("partition (a, 'c '] returned %v, want [2 4 3]\n%s", got, q)
	}
	for key, want := range map[string]string{`b'); DROP TABLE dbo.h; --`: "[2]", "c ": "[3]", "c": "[4]"} {
		q, err := s.RowSQL(req, []int{0}, key)
		if err != nil {
			t.Fatal(err)
		}
		if got := vals(q); fmt.Sprint(got) != want {
			t.Errorf("row %q: %v, want %s\n%s", key, got, want, q)
		}
	}
}

// A partition column whose name contains @p1 stays a name in the displayed SQL, and a
// bound holding ']' or a quote stays inside its literal.
func TestInlineLeavesNamesAndLiteralsAlone(t *testing.T) {
	got, err := inline("[x@p1] > @p1 AND [y]]@p2] <= @p2 AND note = N'@p1' AND @p10 IS NULL", []any{"a]b", "O'Neil", "", "", "", "", "", "", "", "ten"})
	if err != nil {
		t.Fatal(err)
	}
	want := "[x@p1] > N'a]b' AND [y]]@p2] <= N'O''Neil' AND note = N'@p1' AND N'ten' IS NULL"
	if got != want {
		t.Fatalf("inline:\n got  %s\n want %s", got, want)
	}
	if _, err := inline("[x > @p1", []any{"a"}); err == nil {
		t.Fatal("an unterminated name was accepted")
	}
	if _, err := inline("x > @p2", []any{"a"}); err == nil {
		t.Fatal("a parameter without a value was accepted")
	}
}
