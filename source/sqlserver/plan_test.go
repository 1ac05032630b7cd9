package sqlserver

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// keyVal is a partition key as Snowflake compares it: text in byte order, numbers
// as numbers.
type keyVal struct {
	s   string
	n   int64
	num bool
}

func cmpKey(a, b []keyVal) int {
	for i := range a {
		switch {
		case a[i].num && a[i].n != b[i].n:
			if a[i].n < b[i].n {
				return -1
			}
			return 1
		case !a[i].num && a[i].s != b[i].s:
			return strings.Compare(a[i].s, b[i].s)
		}
	}
	return 0
}

func boundKey(b []string, num []bool) []keyVal {
	out := make([]keyVal, len(b))
	for i, v := range b {
		out[i] = keyVal{s: v, num: num[i]}
		if num[i] {
			out[i].n, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return out
}

// checkCoverage extracts every partition and checks that every row of the table is in
// exactly one partition and that each row lies in its partition's range as Snowflake
// compares (byte order for text): the check VerifyPartition makes on the target.
func checkCoverage(t *testing.T, s *Source, tc config.TableConfig, idCol string, keyCols []string, num []bool, wantRows int) {
	t.Helper()
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	parts, pages := extractAll(t, s, info, tc)
	seen := map[int64]int{}
	byNum := map[int]migration.Partition{}
	for _, pg := range pages {
		for _, p := range pg.Partitions {
			byNum[p.Number] = p
		}
	}
	for n, rows := range parts {
		p := byNum[n]
		for _, r := range rows {
			id := r[idCol].Int64()
			if r[idCol].Kind() == parquet.Int32 {
				id = int64(r[idCol].Int32())
			}
			seen[id]++
			key := make([]keyVal, len(keyCols))
			null := false
			for i, c := range keyCols {
				v := r[c]
				if v.IsNull() {
					null = true
					continue
				}
				if num[i] {
					key[i] = keyVal{n: int64(v.Int32()), num: true}
					if v.Kind() == parquet.Int64 {
						key[i].n = v.Int64()
					}
				} else {
					key[i] = keyVal{s: string(v.ByteArray())}
				}
			}
			if p.NullKeys != null {
				t.Errorf("row %d (null key %v) in partition %+v", id, null, p)
				continue
			}
			if null {
				continue
			}
			if p.Lower != nil && cmpKey(key, boundKey(p.Lower, num)) <= 0 {
				t.Errorf("row %d key %v not above the lower bound %q of partition %d", id, key, p.Lower, n)
			}
			if p.Upper != nil && cmpKey(key, boundKey(p.Upper, num)) > 0 {
				t.Errorf("row %d key %v above the upper bound %q of partition %d", id, key, p.Upper, n)
			}
		}
	}
	if len(seen) != wantRows {
		t.Errorf("%d distinct rows extracted, want %d (%d partitions on %d pages)", len(seen), wantRows, len(parts), len(pages))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("row %d extracted %d times", id, n)
		}
	}
	if len(parts) < 3 {
		t.Errorf("only %d partitions: the test wants several", len(parts))
	}
}

// Case-insensitive text keys with duplicates differing only by case and trailing
// blanks, hostile characters, NULLs, and a composite key.
func TestPlanCoverageTextKeys(t *testing.T) {
	vals := []string{"a", "A", "a ", "A  ", "b", "B", "", " ", "  ", "é", "É", "e", "z", "Z ", "ab", "aB", "Ab",
		"O'Brien", "x]y", "[x]", "N'x'", "😀", "😀 ", "\x01", "a\tb", "x') OR (1=1", "ü", "Ü", "zz", "zz "}
	setup := []string{"CREATE TABLE dbo.k (id int NOT NULL, s nvarchar(20) NULL, v varchar(20) COLLATE SQL_Latin1_General_CP1_CI_AS NULL, n int NULL)"}
	id := 0
	var ins []string
	for i, v := range vals {
		for rep := 0; rep < 2; rep++ {
			id++
			lit := "N'" + strings.ReplaceAll(v, "'", "''") + "'"
			vl := lit
			if strings.ContainsRune(v, '😀') || strings.ContainsAny(v, "éÉüÜ") {
				vl = "'plain" + strconv.Itoa(i) + "'" // varchar holds code page 1252 only
			}
			ins = append(ins, fmt.Sprintf("(%d, %s, %s, %d)", id, lit, vl, (i*7+rep)%5))
		}
	}
	for i := 0; i < 4; i++ {
		id++
		ins = append(ins, fmt.Sprintf("(%d, NULL, NULL, %d)", id, i))
	}
	id++
	ins = append(ins, fmt.Sprintf("(%d, N'a', 'a', NULL)", id))
	setup = append(setup, "INSERT INTO dbo.k VALUES "+strings.Join(ins, ", "))
	s, _ := newDB(t, setup...)
	for _, tc := range []struct {
		name string
		keys []string
		num  []bool
	}{
		{"nvarchar", []string{"S"}, []bool{false}},
		{"varchar", []string{"V"}, []bool{false}},
		{"composite", []string{"S", "N"}, []bool{false, true}},
		{"composite int first", []string{"N", "S"}, []bool{true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, size := range []int64{1, 3, 7} {
				cfg := tableConfig("k", strings.Split(strings.ToLower(strings.Join(tc.keys, ",")), ",")...)
				cfg.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: size}
				checkCoverage(t, s, cfg, "ID", tc.keys, tc.num, id)
			}
		})
	}
}

func TestPlanCoverageIntegerKeysAndFilter(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var ins []string
	for i := 1; i <= 500; i++ {
		ins = append(ins, fmt.Sprintf("(%d, %d)", i, rng.Intn(40)-20))
	}
	s, _ := newDB(t, "CREATE TABLE dbo.n (id bigint NOT NULL PRIMARY KEY, g int NULL)", "INSERT INTO dbo.n VALUES "+strings.Join(ins, ", "))
	cfg := tableConfig("n", "g", "id")
	cfg.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 37}
	checkCoverage(t, s, cfg, "ID", []string{"G", "ID"}, []bool{true, true}, 500)
	w := "g > -5 AND [g] <> 3"
	cfg.WhereClauseCriteria = &w
	info, err := s.Introspect(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := s.CountRows(ctxT(t), source.CountRequest{Table: cfg, TableShape: info.TableShape})
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := extractAll(t, s, info, cfg)
	got := 0
	for _, rows := range parts {
		for _, r := range rows {
			if g := r["G"].Int32(); g <= -5 || g == 3 {
				t.Errorf("row with g = %d passed the filter", g)
			}
		}
		got += len(rows)
	}
	if int64(got) != want || want == 0 || want == 500 {
		t.Errorf("%d rows extracted, count says %d", got, want)
	}
	// "auto" on a small table: one open partition.
	cfg.PartitionSize = &config.PartitionSize{Auto: true}
	page, err := s.PlanPartitions(ctxT(t), source.PlanRequest{Table: cfg, TableShape: info.TableShape, MaxPartitions: 10})
	if err != nil || !page.Done || len(page.Partitions) != 1 {
		t.Errorf("auto: %+v, %v", page, err)
	}
}

// uniqueidentifier keys are ordered as their upper-case text, as Snowflake holds them.
func TestPlanCoverageGUIDKeys(t *testing.T) {
	var ins []string
	for i := 1; i <= 60; i++ {
		ins = append(ins, fmt.Sprintf("(%d, NEWID())", i))
	}
	ins = append(ins, "(61, NULL)", "(62, '00000000-0000-0000-0000-000000000001')", "(63, 'FFFFFFFF-0000-0000-0000-000000000000')", "(64, '00000000-0000-0000-0000-FFFFFFFFFFFF')")
	s, _ := newDB(t, "CREATE TABLE dbo.g (id int NOT NULL, g uniqueidentifier NULL)", "INSERT INTO dbo.g VALUES "+strings.Join(ins, ", "))
	cfg := tableConfig("g", "g")
	cfg.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 7}
	checkCoverage(t, s, cfg, "ID", []string{"G"}, []bool{false}, 64)
}
