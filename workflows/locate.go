package workflows

import (
	"fmt"
	"sort"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Locating the rows behind a checksum difference (docs/workflows.md, "Locating
// differing rows"; docs/checksums.md, "Locating differences"). The search narrows a
// key range to the key-hash buckets whose checksums differ between the source and
// Snowflake, one or two hex digits deeper each round for buckets holding too many rows
// to list, then lists the rows of the differing buckets on both sides and diffs them
// by key. Every payload is bounded: at most maxBucketsPerCall buckets per checksum
// answer, listRows rows (and a byte budget) per listing. The code is deterministic:
// slices in prefix order, no map iteration without sorting.

const (
	// rowsPerBucket is the bucket size the first depth aims at: small enough that most
	// differing buckets are listed at once.
	rowsPerBucket = 200
	// firstDepthMax bounds the first round's depth: 16^3 buckets of ~90 bytes each is
	// a ~400 kB answer; deeper rounds are restricted to differing prefixes.
	firstDepthMax = 3
	// maxBucketsPerCall bounds a checksum answer's buckets (payloads well under 2 MB).
	maxBucketsPerCall = 4096
	// listRows bounds the rows one listing asks of each side.
	listRows = 500
)

// LocateKeys chooses the key columns for a table: its primary key when known, else
// its partition columns, else none (the whole row is the key).
func LocateKeys(shape migration.TableShape) []int {
	if len(shape.PrimaryKey) > 0 {
		idx := make([]int, 0, len(shape.PrimaryKey))
		for _, name := range shape.PrimaryKey {
			for i, c := range shape.Columns {
				if c.SourceName == name {
					idx = append(idx, i)
					break
				}
			}
		}
		if len(idx) == len(shape.PrimaryKey) {
			return idx
		}
	}
	return append([]int(nil), shape.PartitionBy...)
}

// bucketPair is one bucket's checksum on both sides ("" where the side has no row).
type bucketPair struct {
	prefix           string
	source, target   string
	srcRows, tgtRows int64
}

func (b bucketPair) rows() int64 { return max(b.srcRows, b.tgtRows) }

// locator is one search in flight.
type locator struct {
	in       LocateInput
	keys     []int
	lim      Limits
	res      LocateResult
	max      int
	srcCtx   workflow.Context
	tgtCtx   workflow.Context
	colNames []string
}

// LocateDifferences finds the rows that differ between the source and the target in
// one key range: at most in.MaxDifferences of them (Truncated when more exist).
// Callers: the checksum step of a partition (partition_steps.go), validation level 3
// and re-sync's trackDeletions (KeysOnly). Errors are the activities'; the bad-input
// ones are non-retryable InvalidConfiguration.
func LocateDifferences(ctx workflow.Context, in LocateInput) (LocateResult, error) {
	if len(in.Source.Columns) == 0 || len(in.Source.PartitionBy) == 0 {
		return LocateResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("locate differences in %s: the input carries no columns or no partition columns (pass the introspected TableShape)", in.Source.TableKey),
			migration.ErrTypeConfig, nil)
	}
	l := &locator{in: in, keys: in.KeyColumns, lim: in.Limits.WithDefaults(), max: in.MaxDifferences}
	if l.keys == nil {
		l.keys = LocateKeys(in.Source.TableShape)
	}
	for _, k := range l.keys {
		if k < 0 || k >= len(in.Source.Columns) {
			return LocateResult{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("locate differences in %s: key column index %d is outside the %d columns", in.Source.TableKey, k, len(in.Source.Columns)),
				migration.ErrTypeConfig, nil)
		}
	}
	if l.max <= 0 {
		l.max = DefaultMaxDifferences
	}
	for _, c := range in.Source.Columns {
		l.colNames = append(l.colNames, c.TargetName)
	}
	l.srcCtx = activityOptions(ctx, l.lim, kindCatalog, in.SourceQueue)
	l.tgtCtx = activityOptions(ctx, l.lim, kindVerify, "")
	if err := l.run(ctx); err != nil {
		return l.res, err
	}
	return l.res, nil
}

// firstDepth aims at rowsPerBucket rows per bucket for the range's size.
func firstDepth(rows int64) int {
	if rows <= 0 {
		return 2
	}
	d, n := 1, int64(16)
	for d < firstDepthMax && rows/n > rowsPerBucket {
		d++
		n *= 16
	}
	return d
}

func (l *locator) run(ctx workflow.Context) error {
	first, err := l.checksums(ctx, firstDepth(l.in.RowsHint), nil)
	if err != nil {
		return err
	}
	for _, b := range first {
		l.res.SourceRows += b.srcRows
		l.res.TargetRows += b.tgtRows
	}
	pending := differing(first)
	for len(pending) > 0 {
		if len(l.res.Differences) >= l.max {
			l.res.Truncated = true
			return nil
		}
		var listable, deep []bucketPair
		for _, b := range pending {
			if b.rows() <= listRows {
				listable = append(listable, b)
			} else {
				deep = append(deep, b)
			}
		}
		if err := l.listAll(ctx, listable, &deep); err != nil {
			return err
		}
		if pending, err = l.deeper(ctx, deep); err != nil {
			return err
		}
	}
	return nil
}

// differing keeps the buckets whose checksums differ, in prefix order.
func differing(bs []bucketPair) []bucketPair {
	var out []bucketPair
	for _, b := range bs {
		if b.source != b.target {
			out = append(out, b)
		}
	}
	return out
}

// listAll lists the buckets in batches of up to listRows rows; a batch cut by the
// byte budget is listed bucket by bucket, and a single bucket too large to list goes
// deeper (into *deep).
func (l *locator) listAll(ctx workflow.Context, bs []bucketPair, deep *[]bucketPair) error {
	for start := 0; start < len(bs); {
		if len(l.res.Differences) >= l.max {
			l.res.Truncated = true
			return nil
		}
		end, rows := start, int64(0)
		for end < len(bs) && (end == start || rows+bs[end].rows() <= listRows) {
			rows += bs[end].rows()
			end++
		}
		batch := bs[start:end]
		complete, fit, err := l.list(ctx, batch, rows)
		if err != nil {
			return err
		}
		switch {
		case complete:
		case len(batch) > 1:
			// The cut listing says how many rows fit in one answer: a bucket holding
			// more goes deeper at once, the others are listed one by one.
			for _, b := range batch {
				if b.rows() > int64(fit) {
					*deep = append(*deep, b)
					continue
				}
				one, _, err := l.list(ctx, []bucketPair{b}, b.rows())
				if err != nil {
					return err
				}
				if !one {
					*deep = append(*deep, b)
				}
			}
		default:
			*deep = append(*deep, batch[0])
		}
		start = end
	}
	return nil
}

// list lists a batch's rows on both sides and diffs them; false when either side's
// listing was cut (byte budget or more rows than the checksums said): nothing is
// recorded then, fit is how many rows the shorter cut answer held, and the caller
// splits the batch.
func (l *locator) list(ctx workflow.Context, batch []bucketPair, rows int64) (complete bool, fit int, err error) {
	prefixes := make([]string, len(batch))
	for i, b := range batch {
		prefixes[i] = b.prefix
	}
	depth := len(prefixes[0])
	limit := int(rows) + 1 // one more than expected: a listing that fills it was cut
	l.res.Rounds++
	srcF := workflow.ExecuteActivity(l.srcCtx, sourceapi.BucketRowsName, l.sourceInput(depth, prefixes, limit))
	tgtF := workflow.ExecuteActivity(l.tgtCtx, snowflakeapi.BucketRowsName, l.targetInput(depth, prefixes, limit))
	var src sourceapi.BucketRowsResult
	var tgt snowflakeapi.BucketRowsResult
	errS := srcF.Get(ctx, &src)
	errT := tgtF.Get(ctx, &tgt)
	if errS != nil {
		return false, 0, errS
	}
	if errT != nil {
		return false, 0, errT
	}
	if src.TooLarge || tgt.TooLarge || len(src.Rows) >= limit || len(tgt.Rows) >= limit {
		fit = limit
		if src.TooLarge {
			fit = len(src.Rows)
		}
		if tgt.TooLarge {
			fit = min(fit, len(tgt.Rows))
		}
		return false, fit, nil
	}
	diffs := DiffRows(src.Rows, tgt.Rows, l.colNames, l.in.KeysOnly)
	room := l.max - len(l.res.Differences)
	if len(diffs) > room {
		diffs, l.res.Truncated = diffs[:room], true
	}
	l.res.Differences = append(l.res.Differences, diffs...)
	return true, 0, nil
}

// deeper checksums the sub-buckets of buckets too large to list and returns the
// differing ones. A bucket at the deepest depth that still cannot be listed (a key
// repeated more than listRows times, or rows too wide) is left out: Truncated.
func (l *locator) deeper(ctx workflow.Context, deep []bucketPair) ([]bucketPair, error) {
	sort.Slice(deep, func(i, j int) bool { return deep[i].prefix < deep[j].prefix })
	var next []bucketPair
	for _, group := range groupByStep(deep) {
		if group.depth > migration.MaxBucketDepth {
			l.res.Truncated = true
			continue
		}
		per := maxBucketsPerCall >> (4 * (group.depth - len(group.buckets[0].prefix)))
		for start := 0; start < len(group.buckets); start += per {
			end := min(start+per, len(group.buckets))
			prefixes := make([]string, 0, end-start)
			for _, b := range group.buckets[start:end] {
				prefixes = append(prefixes, b.prefix)
			}
			sub, err := l.checksums(ctx, group.depth, prefixes)
			if err != nil {
				return nil, err
			}
			next = append(next, differing(sub)...)
		}
	}
	sort.Slice(next, func(i, j int) bool { return next[i].prefix < next[j].prefix })
	return next, nil
}

type stepGroup struct {
	depth   int
	buckets []bucketPair
}

// groupByStep groups buckets by the depth their sub-buckets are checksummed at: one
// digit deeper, two for a bucket of more than 16 listings' rows.
func groupByStep(bs []bucketPair) []stepGroup {
	var out []stepGroup
	at := map[int]int{}
	for _, b := range bs {
		step := 1
		if b.rows() > 16*listRows {
			step = 2
		}
		d := min(len(b.prefix)+step, migration.MaxBucketDepth)
		if len(b.prefix) >= migration.MaxBucketDepth {
			d = migration.MaxBucketDepth + 1
		}
		key := d*100 + len(b.prefix)
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, stepGroup{depth: d})
		}
		out[i].buckets = append(out[i].buckets, b)
	}
	return out
}

// checksums runs both sides' bucket checksums at depth (under prefixes) and pairs
// them by prefix, in prefix order.
func (l *locator) checksums(ctx workflow.Context, depth int, prefixes []string) ([]bucketPair, error) {
	l.res.Rounds++
	srcF := workflow.ExecuteActivity(l.srcCtx, sourceapi.BucketChecksumsName, l.sourceInput(depth, prefixes, 0))
	tgtF := workflow.ExecuteActivity(l.tgtCtx, snowflakeapi.BucketChecksumsName, l.targetInput(depth, prefixes, 0))
	var src sourceapi.BucketChecksumsResult
	var tgt snowflakeapi.BucketChecksumsResult
	errS := srcF.Get(ctx, &src)
	errT := tgtF.Get(ctx, &tgt)
	if errS != nil {
		return nil, errS
	}
	if errT != nil {
		return nil, errT
	}
	return pairBuckets(src.Buckets, tgt.Buckets)
}

// pairBuckets merges two prefix-ordered bucket lists.
func pairBuckets(src, tgt []migration.Bucket) ([]bucketPair, error) {
	by := map[string]*bucketPair{}
	var order []string
	get := func(p string) *bucketPair {
		if b, ok := by[p]; ok {
			return b
		}
		by[p] = &bucketPair{prefix: p}
		order = append(order, p)
		return by[p]
	}
	for _, side := range []struct {
		bs     []migration.Bucket
		source bool
	}{{src, true}, {tgt, false}} {
		for _, b := range side.bs {
			sum, err := checksum.Parse(b.Checksum)
			if err != nil {
				return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("bucket %s: %v", b.Prefix, err), migration.ErrTypeConfig, err)
			}
			p := get(b.Prefix)
			if side.source {
				p.source, p.srcRows = b.Checksum, sum.Rows
			} else {
				p.target, p.tgtRows = b.Checksum, sum.Rows
			}
		}
	}
	sort.Strings(order)
	out := make([]bucketPair, len(order))
	for i, p := range order {
		out[i] = *by[p]
	}
	return out, nil
}

func (l *locator) sourceInput(depth int, prefixes []string, limit int) sourceapi.BucketsInput {
	return sourceapi.BucketsInput{ExtractInput: l.in.Source, KeyColumns: l.keys, KeysOnly: l.in.KeysOnly, Depth: depth, Buckets: prefixes, Limit: limit}
}

func (l *locator) targetInput(depth int, prefixes []string, limit int) snowflakeapi.BucketsInput {
	s := l.in.Source
	return snowflakeapi.BucketsInput{
		ConnectionName: l.in.ConnectionName, Target: l.in.Target, Columns: s.Columns, PartitionBy: s.PartitionBy, Partition: s.Partition, Window: s.Window,
		KeyColumns: l.keys, KeysOnly: l.in.KeysOnly, Depth: depth, Buckets: prefixes, Limit: limit,
	}
}
