package workflows

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
)

var locateShape = migration.TableShape{
	Source: migration.TableRef{Database: "db", Schema: "public", Table: "t"},
	Columns: []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "note", SourceType: "text", TargetName: "NOTE", TargetType: "VARCHAR"},
		{SourceName: "amt", SourceType: "numeric(12,2)", TargetName: "AMT", TargetType: "NUMBER(12,2)"},
	},
	PartitionBy: []int{0},
	PrimaryKey:  []string{"id"},
}

// twoSides is a fake source and target holding row images of one range: the bucket
// arithmetic is the real one (checksum package), the SQL is tested elsewhere.
type twoSides struct {
	mu        sync.Mutex
	src, tgt  []migration.RowImage
	maxBytes  int // per listing (0: unbounded)
	calls     map[string]int
	noLocator bool
}

func locateRow(id int64, note string, cents int64) migration.RowImage {
	var k, r checksum.Row
	k.Int(id)
	r.Int(id)
	if note == "<null>" {
		r.Null()
	} else {
		r.Text([]byte(note))
	}
	r.Decimal(cents, 2)
	return migration.RowImage{Key: string(k.Bytes()), Row: string(r.Bytes())}
}

func newTwoSides(n int) *twoSides {
	s := &twoSides{calls: map[string]int{}}
	for i := int64(1); i <= int64(n); i++ {
		r := locateRow(i, fmt.Sprintf("note %d", i), i*100+7)
		s.src = append(s.src, r)
		s.tgt = append(s.tgt, r)
	}
	return s
}

func (s *twoSides) setTarget(id int64, r *migration.RowImage) {
	key := fmt.Sprint(id)
	for i := range s.tgt {
		if s.tgt[i].Key == key {
			if r == nil {
				s.tgt = append(s.tgt[:i], s.tgt[i+1:]...)
			} else {
				s.tgt[i] = *r
			}
			return
		}
	}
	s.tgt = append(s.tgt, *r)
}

func under(h string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(h, p) {
			return true
		}
	}
	return false
}

func (s *twoSides) buckets(rows []migration.RowImage, depth int, prefixes []string, keysOnly bool) []migration.Bucket {
	sums := map[string]*checksum.Sum{}
	for _, r := range rows {
		h := checksum.RowHash([]byte(r.Key))
		if !under(h, prefixes) {
			continue
		}
		if sums[h[:depth]] == nil {
			sums[h[:depth]] = &checksum.Sum{}
		}
		if keysOnly {
			sums[h[:depth]].Add([]byte(r.Key))
		} else {
			sums[h[:depth]].Add([]byte(r.Row))
		}
	}
	out := []migration.Bucket{}
	for p, sum := range sums {
		out = append(out, migration.Bucket{Prefix: p, Checksum: sum.String()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prefix < out[j].Prefix })
	return out
}

func (s *twoSides) list(rows []migration.RowImage, prefixes []string, limit int, keysOnly bool) ([]migration.RowImage, bool) {
	var out []migration.RowImage
	for _, r := range rows {
		if under(checksum.RowHash([]byte(r.Key)), prefixes) {
			if keysOnly {
				r.Row = r.Key
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	if len(out) > limit {
		out = out[:limit]
	}
	size := 0
	for i, r := range out {
		if size += len(r.Key) + len(r.Row); s.maxBytes > 0 && size > s.maxBytes {
			return out[:i], true
		}
	}
	return out, false
}

func (s *twoSides) count(name string) {
	s.mu.Lock()
	s.calls[name]++
	s.mu.Unlock()
}

func (s *twoSides) SourceBucketChecksums(_ context.Context, in sourceapi.BucketsInput) (sourceapi.BucketChecksumsResult, error) {
	s.count("source")
	if s.noLocator {
		return sourceapi.BucketChecksumsResult{}, temporal.NewNonRetryableApplicationError("locating differing rows is not implemented for source platform redshift yet", migration.ErrTypeConfig, nil)
	}
	if err := migration.CheckBucketPrefixes(in.Depth, in.Buckets); err != nil {
		return sourceapi.BucketChecksumsResult{}, err
	}
	return sourceapi.BucketChecksumsResult{Buckets: s.buckets(s.src, in.Depth, in.Buckets, in.KeysOnly)}, nil
}

func (s *twoSides) SourceBucketRows(_ context.Context, in sourceapi.BucketsInput) (sourceapi.BucketRowsResult, error) {
	s.count("source")
	rows, cut := s.list(s.src, in.Buckets, in.Limit, in.KeysOnly)
	return sourceapi.BucketRowsResult{Rows: rows, TooLarge: cut}, nil
}

func (s *twoSides) TargetBucketChecksums(_ context.Context, in snowflakeapi.BucketsInput) (snowflakeapi.BucketChecksumsResult, error) {
	s.count("target")
	if err := migration.CheckBucketPrefixes(in.Depth, in.Buckets); err != nil {
		return snowflakeapi.BucketChecksumsResult{}, err
	}
	return snowflakeapi.BucketChecksumsResult{Buckets: s.buckets(s.tgt, in.Depth, in.Buckets, in.KeysOnly)}, nil
}

func (s *twoSides) TargetBucketRows(_ context.Context, in snowflakeapi.BucketsInput) (snowflakeapi.BucketRowsResult, error) {
	s.count("target")
	rows, cut := s.list(s.tgt, in.Buckets, in.Limit, in.KeysOnly)
	return snowflakeapi.BucketRowsResult{Rows: rows, TooLarge: cut}, nil
}

func (s *twoSides) register(r interface {
	RegisterActivityWithOptions(a interface{}, options activity.RegisterOptions)
}) {
	r.RegisterActivityWithOptions(s.SourceBucketChecksums, activity.RegisterOptions{Name: sourceapi.BucketChecksumsName})
	r.RegisterActivityWithOptions(s.SourceBucketRows, activity.RegisterOptions{Name: sourceapi.BucketRowsName})
	r.RegisterActivityWithOptions(s.TargetBucketChecksums, activity.RegisterOptions{Name: snowflakeapi.BucketChecksumsName})
	r.RegisterActivityWithOptions(s.TargetBucketRows, activity.RegisterOptions{Name: snowflakeapi.BucketRowsName})
}

func runLocate(t *testing.T, s *twoSides, in LocateInput) (LocateResult, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(quietLogger())
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(LocateDifferences, workflow.RegisterOptions{Name: LocateDifferencesWorkflowName})
	s.register(env)
	if in.Source.Columns == nil {
		in.Source = sourceapi.ExtractInput{Migration: "m", TableKey: "db.public.t", TableShape: locateShape, Partition: migration.Partition{Number: 1}}
	}
	in.ConnectionName, in.SourceQueue, in.Target = "local", "q-source", migration.TableRef{Database: "DB", Schema: "PUBLIC", Table: "T"}
	env.ExecuteWorkflow(LocateDifferencesWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("not completed")
	}
	var res LocateResult
	err := env.GetWorkflowError()
	if err == nil {
		if err := env.GetWorkflowResult(&res); err != nil {
			t.Fatal(err)
		}
	}
	return res, err
}

func describe(ds []migration.RowDifference) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s %s [%s] [%s]", d.Kind, d.Key, d.Column, d.SourceValue, d.TargetValue))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// Every kind is found, exactly, with the values as the checksum sees them.
func TestLocateDifferencesFindsEveryKind(t *testing.T) {
	for _, c := range []struct {
		name     string
		rows     int
		hint     int64
		maxBytes int
	}{
		{"first depth from the hint", 3000, 3000, 0},
		{"buckets too large for one listing go deeper", 20000, 1, 0},
		{"listings cut by bytes go deeper", 3000, 3000, 600},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newTwoSides(c.rows)
			s.maxBytes = c.maxBytes
			changed := locateRow(17, "note 17", 1700) // rounded: 17.07 → 17.00
			s.setTarget(17, &changed)
			both := locateRow(99, "<null>", 9999) // two columns: NULL for text, amount
			s.setTarget(99, &both)
			s.setTarget(500, nil) // missing in the target
			extra := locateRow(int64(c.rows+5), "extra|row", 1)
			s.setTarget(int64(c.rows+5), &extra)
			res, err := runLocate(t, s, LocateInput{RowsHint: c.hint})
			if err != nil {
				t.Fatal(err)
			}
			want := describe([]migration.RowDifference{
				{Kind: migration.DiffValue, Key: "17", Column: "AMT", SourceValue: "17.07", TargetValue: "17.00"},
				{Kind: migration.DiffValue, Key: "99", Column: "NOTE", SourceValue: "note 99", TargetValue: `\N`},
				{Kind: migration.DiffValue, Key: "99", Column: "AMT", SourceValue: "99.07", TargetValue: "99.99"},
				{Kind: migration.DiffMissingInTarget, Key: "500", SourceValue: "500|note 500|500.07"},
				{Kind: migration.DiffMissingInSource, Key: fmt.Sprint(c.rows + 5), TargetValue: fmt.Sprintf(`%d|extra\|row|0.01`, c.rows+5)},
			})
			if got := describe(res.Differences); got != want {
				t.Errorf("differences:\n%s\nwant\n%s", got, want)
			}
			if res.Truncated || res.SourceRows != int64(c.rows) || res.TargetRows != int64(c.rows) {
				t.Errorf("truncated %v, rows %d/%d", res.Truncated, res.SourceRows, res.TargetRows)
			}
			for _, d := range res.Differences {
				if d.Key == "99" && strings.Join(d.Columns, ",") != "NOTE,AMT" {
					t.Errorf("columns of 99: %v", d.Columns)
				}
			}
			if res.Rounds > 12 {
				t.Errorf("%d rounds", res.Rounds)
			}
		})
	}
}

func TestLocateDifferencesBoundsAndKeySets(t *testing.T) {
	s := newTwoSides(2000)
	for id := int64(1); id <= 30; id++ {
		r := locateRow(id, "changed", 0)
		s.setTarget(id, &r)
	}
	res, err := runLocate(t, s, LocateInput{MaxDifferences: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Differences) != 10 || !res.Truncated {
		t.Errorf("%d differences, truncated %v; want 10, true", len(res.Differences), res.Truncated)
	}

	// Key sets: values do not matter, keys that vanished or appeared do.
	s = newTwoSides(2000)
	r := locateRow(3, "changed", 0)
	s.setTarget(3, &r)
	s.setTarget(4, nil)
	res, err = runLocate(t, s, LocateInput{KeysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(res.Differences); got != "MISSING_IN_TARGET 4  [4] []" {
		t.Errorf("key sets: %s", got)
	}

	// A row loaded twice is one extra row in the target.
	s = newTwoSides(100)
	s.tgt = append(s.tgt, s.tgt[41])
	res, err = runLocate(t, s, LocateInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(res.Differences); got != "MISSING_IN_SOURCE 42  [] [42|note 42|42.07]" || res.TargetRows != 101 {
		t.Errorf("duplicate: %s (%d target rows)", got, res.TargetRows)
	}

	// Equal sides: one round, nothing found.
	s = newTwoSides(500)
	res, err = runLocate(t, s, LocateInput{})
	if err != nil || len(res.Differences) != 0 || res.Rounds != 1 {
		t.Errorf("equal sides: %+v %v", res, err)
	}

	// A source without a Locator fails the search non-retryably; bad input too.
	s = newTwoSides(10)
	s.noLocator = true
	if _, err := runLocate(t, s, LocateInput{}); appType(err) != migration.ErrTypeConfig || !strings.Contains(err.Error(), "redshift") {
		t.Errorf("no locator: %v", err)
	}
	if _, err := runLocate(t, newTwoSides(1), LocateInput{KeyColumns: []int{7}}); appType(err) != migration.ErrTypeConfig {
		t.Errorf("bad key column: %v", err)
	}
}

func TestDiffRows(t *testing.T) {
	cols := []string{"ID", "NOTE", "AMT"}
	src := []migration.RowImage{{Key: "1", Row: "1|a|1.00"}, {Key: "2", Row: `2|b\|x|2.00`}, {Key: "3", Row: "3|c|3.00"}, {Key: "5", Row: "5|e|5.00"}, {Key: "5", Row: "5|f|5.00"}}
	tgt := []migration.RowImage{{Key: "1", Row: "1|a|1.00"}, {Key: "2", Row: `2|\N|2.00`}, {Key: "4", Row: "4|d|4.00"}, {Key: "5", Row: "5|f|5.00"}, {Key: "5", Row: "5|e|5.01"}}
	got := describe(DiffRows(src, tgt, cols, false))
	want := describe([]migration.RowDifference{
		{Kind: migration.DiffValue, Key: "2", Column: "NOTE", SourceValue: `b\|x`, TargetValue: `\N`},
		{Kind: migration.DiffMissingInTarget, Key: "3", SourceValue: "3|c|3.00"},
		{Kind: migration.DiffMissingInSource, Key: "4", TargetValue: "4|d|4.00"},
		{Kind: migration.DiffValue, Key: "5", Column: "AMT", SourceValue: "5.00", TargetValue: "5.01"},
	})
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
