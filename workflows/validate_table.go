package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// tableValidation is one run of TableValidationWorkflow.
type tableValidation struct {
	in          TableValidationInput
	lim         Limits
	sourceQueue string
	shape       migration.TableShape
	target      migration.TableRef
	schema      snowflakeapi.ValidateSchemaResult
	baseline    string // the migration run whose partitions level 3 reuses
	levels      []snowflakeapi.ValidationLevelResult
	diffs       map[int][]snowflakeapi.ValidationDifference // per level, bounded by MaxRecordedDifferences
	total       int64
	located     int // level-3 differences found so far (bounds the drill-downs)
}

// TableValidationWorkflow validates one table at levels 1..in.Level (cumulative) and
// records the result. Levels 2 and 3 run on the columns both sides have with the same
// type family (level 1 reports the others); a level that cannot run is an ERROR
// result with its reason, never a failed workflow, so that the validation of the
// other tables and levels goes on.
func TableValidationWorkflow(ctx workflow.Context, in TableValidationInput) (TableValidation, error) {
	v := &tableValidation{
		in: in, lim: in.Limits.WithDefaults(),
		sourceQueue: SourceQueue(baseOf(in.TaskQueueBase), in.Affinity),
		diffs:       map[int][]snowflakeapi.ValidationDifference{},
	}
	started := workflow.Now(ctx)
	v.run(ctx)
	v.record(ctx, started)
	res := TableValidation{TableKey: in.TableKey, Status: tableStatus(v.levels), Levels: v.levels, DifferencesTotal: v.total}
	if v.target.Table != "" {
		res.Target = v.target.Database + "." + v.target.Schema + "." + v.target.Table
	}
	for _, lvl := range []int{1, 2, 3} {
		for _, d := range v.diffs[lvl] {
			if len(res.Differences) < MaxReportedDifferences {
				res.Differences = append(res.Differences, d)
			}
		}
	}
	return res, ctx.Err()
}

func (v *tableValidation) run(ctx workflow.Context) {
	err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindCatalog, v.sourceQueue), sourceapi.IntrospectName,
		sourceapi.IntrospectInput{Migration: v.in.Migration, Platform: v.in.SourcePlatform, Table: v.in.Table},
	).Get(ctx, &v.shape)
	if err != nil {
		v.failFrom(1, "introspect the source table: "+message(err))
		return
	}
	if !v.level1(ctx) {
		return
	}
	cols, partitionBy, note := v.comparable()
	if v.in.Level >= 2 {
		v.level2(ctx, cols, note)
	}
	if v.in.Level >= 3 {
		v.level3(ctx, cols, partitionBy, note)
	}
}

// failFrom records every level from lvl up as ERROR with msg.
func (v *tableValidation) failFrom(lvl int, msg string) {
	for l := lvl; l <= v.in.Level; l++ {
		v.levels = append(v.levels, snowflakeapi.ValidationLevelResult{Level: l, Status: snowflakeapi.ValidationError, Message: truncate(msg, 4000)})
	}
}

func (v *tableValidation) addLevel(lvl int, compared int64, diffs []snowflakeapi.ValidationDifference, found int64, msg string) {
	st := snowflakeapi.ValidationMatch
	if found > 0 {
		st = snowflakeapi.ValidationMismatch
	}
	if len(diffs) > MaxRecordedDifferences {
		diffs = diffs[:MaxRecordedDifferences]
	}
	v.diffs[lvl] = diffs
	v.total += found
	v.levels = append(v.levels, snowflakeapi.ValidationLevelResult{Level: lvl, Status: st, Compared: compared, Differences: found, Message: truncate(msg, 4000)})
}

// level1 compares the schema and the row counts. It returns false when nothing more
// can be compared (no target table, or a failed activity).
func (v *tableValidation) level1(ctx workflow.Context) bool {
	if v.in.Table.Target == nil {
		v.failFrom(1, "no target in the normalized configuration")
		return false
	}
	var pk []string
	for _, name := range v.shape.PrimaryKey {
		for _, c := range v.shape.Columns {
			if c.SourceName == name {
				pk = append(pk, c.TargetName)
			}
		}
	}
	var count sourceapi.CountRowsResult
	countF := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindCatalog, v.sourceQueue), sourceapi.CountRowsName,
		sourceapi.CountRowsInput{Migration: v.in.Migration, Platform: v.in.SourcePlatform, Table: v.in.Table, TableShape: v.shape})
	err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindVerify, ""), snowflakeapi.ValidateSchemaName, snowflakeapi.ValidateSchemaInput{
		ConnectionName: v.in.ConnectionName, TableKey: v.in.TableKey, Target: *v.in.Table.Target, Columns: v.shape.Columns, PrimaryKey: pk,
	}).Get(ctx, &v.schema)
	countErr := countF.Get(ctx, &count)
	if err != nil {
		v.failFrom(1, "check the target table: "+message(err))
		return false
	}
	v.target = v.schema.Target
	diffs := v.schema.Differences
	compared := v.schema.Compared
	if v.schema.Exists {
		compared++
		switch {
		case countErr != nil:
			v.failFrom(1, "count the source rows: "+message(countErr))
			return false
		case count.Rows != v.schema.Rows:
			diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 1, ID: "rows", Kind: snowflakeapi.DiffRowCount,
				SourceValue: strPtr(fmt.Sprint(count.Rows)), TargetValue: strPtr(fmt.Sprint(v.schema.Rows))})
		}
	}
	msg := fmt.Sprintf("%d columns, %d source rows, %d target rows", len(v.shape.Columns), count.Rows, v.schema.Rows)
	if !v.schema.Exists {
		msg = "the target table " + snowflakeTableText(v.target) + " does not exist"
	}
	v.addLevel(1, compared, diffs, int64(len(diffs)), msg)
	if !v.schema.Exists {
		v.failFrom(2, "not compared: the target table does not exist (level 1)")
		return false
	}
	return true
}

func snowflakeTableText(t migration.TableRef) string {
	return t.Database + "." + t.Schema + "." + t.Table
}

// comparable returns the columns levels 2 and 3 compare (in the migration's order),
// the partition columns' indexes among them (nil when one is not comparable), and a
// note naming the columns left out.
func (v *tableValidation) comparable() ([]migration.Column, []int, string) {
	var cols []migration.Column
	index := map[int]int{}
	var left []string
	for i, c := range v.shape.Columns {
		if slices.Contains(v.schema.Comparable, c.TargetName) {
			index[i] = len(cols)
			cols = append(cols, c)
		} else {
			left = append(left, c.TargetName)
		}
	}
	var by []int
	for _, i := range v.shape.PartitionBy {
		j, ok := index[i]
		if !ok {
			by = nil
			break
		}
		by = append(by, j)
	}
	note := ""
	if len(left) > 0 {
		note = "; compared without " + strings.Join(left, ", ") + " (missing or retyped on the target, see level 1)"
	}
	return cols, by, note
}

// level2 compares per-column metrics on both sides, computed in parallel.
func (v *tableValidation) level2(ctx workflow.Context, cols []migration.Column, note string) {
	if len(cols) == 0 {
		v.failFrom(2, "no column is comparable (see level 1)")
		return
	}
	shape := v.shape
	shape.Columns, shape.PartitionBy = cols, nil
	var src sourceapi.ProfileColumnsResult
	var tgt snowflakeapi.ProfileTargetResult
	srcF := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindExtract, v.sourceQueue), sourceapi.ProfileColumnsName,
		sourceapi.ProfileColumnsInput{Migration: v.in.Migration, Platform: v.in.SourcePlatform, Table: v.in.Table, TableShape: shape})
	tgtErr := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindVerify, ""), snowflakeapi.ProfileTargetName, snowflakeapi.ProfileTargetInput{
		ConnectionName: v.in.ConnectionName, TableKey: v.in.TableKey, Target: v.target, Columns: cols,
	}).Get(ctx, &tgt)
	srcErr := srcF.Get(ctx, &src)
	switch {
	case srcErr != nil:
		v.levels = append(v.levels, errorLevel(2, "source column metrics: "+message(srcErr)))
		return
	case src.Unsupported != "":
		v.levels = append(v.levels, errorLevel(2, src.Unsupported))
		return
	case tgtErr != nil:
		v.levels = append(v.levels, errorLevel(2, "target column metrics: "+message(tgtErr)))
		return
	}
	diffs, compared := compareMetrics(src.Metrics, tgt.Metrics, v.in.Tolerance)
	v.addLevel(2, compared, diffs, int64(len(diffs)), fmt.Sprintf("%d metrics of %d columns, tolerance %g%s", compared, len(cols), v.in.Tolerance, note))
}

func errorLevel(lvl int, msg string) snowflakeapi.ValidationLevelResult {
	return snowflakeapi.ValidationLevelResult{Level: lvl, Status: snowflakeapi.ValidationError, Message: truncate(msg, 4000)}
}

// level3 checksums every partition the migration's last completed run recorded, on
// both sides, page by page, and reports the partitions (or, drilled down, the rows)
// that differ.
func (v *tableValidation) level3(ctx workflow.Context, cols []migration.Column, by []int, note string) {
	if len(cols) == 0 || by == nil {
		v.levels = append(v.levels, errorLevel(3, "a partition column is missing or retyped on the target (see level 1): partitions cannot be compared"))
		return
	}
	var base snowflakeapi.ReadSyncBaselineResult
	err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindMetadata, ""), snowflakeapi.ReadSyncBaselineName, snowflakeapi.ReadSyncBaselineInput{
		ConnectionName: v.in.ConnectionName, Migration: v.in.Migration, TableKey: v.in.TableKey,
	}).Get(ctx, &base)
	if err != nil {
		v.levels = append(v.levels, errorLevel(3, "read the migration's partitions: "+message(err)))
		return
	}
	if base.BaselineRunID == "" {
		v.levels = append(v.levels, errorLevel(3, "no completed run of migration "+v.in.Migration+" recorded this table's partitions; run the migration to completion first"))
		return
	}
	v.baseline = base.BaselineRunID
	shape := v.shape
	shape.Columns, shape.PartitionBy = cols, by
	// Pages are read in key order and checked PartitionWindow at a time (each page's
	// source and target checksums in parallel too); results are assembled in page
	// order, so the report does not depend on which page finished first.
	var (
		pages   []*pageCheck
		running int
		failed  string
		after   = -1
	)
	for failed == "" {
		if err := workflow.Await(ctx, func() bool { return running < v.lim.PartitionWindow || failed != "" }); err != nil {
			failed = "cancelled"
			break
		}
		if failed != "" {
			break
		}
		var page snowflakeapi.ReadPartitionBoundsResult
		err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindMetadata, ""), snowflakeapi.ReadPartitionBoundsName, snowflakeapi.ReadPartitionBoundsInput{
			ConnectionName: v.in.ConnectionName, Migration: v.in.Migration, BaselineRunID: v.baseline, TableKey: v.in.TableKey,
			AfterNumber: after, MaxPartitions: validationPartitionPage,
		}).Get(ctx, &page)
		if err != nil {
			failed = "read the migration's partitions: " + message(err)
			break
		}
		if len(page.Partitions) > 0 {
			pc := &pageCheck{parts: page.Partitions}
			pages = append(pages, pc)
			running++
			workflow.Go(ctx, func(gctx workflow.Context) {
				defer func() { running-- }()
				if msg := v.checkPage(gctx, shape, pc); msg != "" && failed == "" {
					failed = msg
				}
			})
			after = page.Partitions[len(page.Partitions)-1].Number
		}
		if page.Done {
			break
		}
	}
	_ = workflow.Await(ctx, func() bool { return running == 0 })
	if failed != "" {
		v.levels = append(v.levels, errorLevel(3, failed))
		return
	}
	var (
		diffs           []snowflakeapi.ValidationDifference
		found, compared int64
	)
	for _, pc := range pages {
		compared += int64(len(pc.parts))
		found += pc.found
		for _, d := range pc.diffs {
			if len(diffs) < MaxRecordedDifferences {
				diffs = append(diffs, d)
			}
		}
	}
	v.addLevel(3, compared, diffs, found, fmt.Sprintf("%d partitions of run %s%s", compared, v.baseline, note))
}

// pageCheck is one page of partitions checked at level 3.
type pageCheck struct {
	parts []migration.Partition
	diffs []snowflakeapi.ValidationDifference
	found int64
}

// checkPage checksums a page's partitions on both sides and drills into those that
// differ. It returns why the page could not be checked ("" when it was).
func (v *tableValidation) checkPage(ctx workflow.Context, shape migration.TableShape, pc *pageCheck) string {
	var src sourceapi.ChecksumPartitionsResult
	var tgt snowflakeapi.ChecksumTargetPartitionsResult
	srcF := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindExtract, v.sourceQueue), sourceapi.ChecksumPartitionsName,
		sourceapi.ChecksumPartitionsInput{Migration: v.in.Migration, Platform: v.in.SourcePlatform, Table: v.in.Table, TableShape: shape, Partitions: pc.parts})
	tgtErr := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindVerify, ""), snowflakeapi.ChecksumTargetPartitionsName, snowflakeapi.ChecksumTargetPartitionsInput{
		ConnectionName: v.in.ConnectionName, TableKey: v.in.TableKey, Target: v.target, Columns: shape.Columns, PartitionBy: shape.PartitionBy, Partitions: pc.parts,
	}).Get(ctx, &tgt)
	srcErr := srcF.Get(ctx, &src)
	switch {
	case srcErr != nil:
		return "source checksums: " + message(srcErr)
	case src.Unsupported != "":
		return src.Unsupported
	case tgtErr != nil:
		return "target checksums: " + message(tgtErr)
	case len(src.Checksums) != len(pc.parts) || len(tgt.Checksums) != len(pc.parts):
		return "a checksum activity returned the wrong number of partitions"
	}
	for i, p := range pc.parts {
		s, t := src.Checksums[i], tgt.Checksums[i]
		if s.Checksum == t.Checksum {
			continue
		}
		// Once the table's recorded differences are full, the remaining partitions
		// are reported as partitions: locating rows nobody will see costs scans.
		rows := v.drillDown(ctx, shape, p, s, t, min(DefaultMaxDifferences, MaxRecordedDifferences-v.located))
		v.located += len(rows)
		pc.found += int64(len(rows))
		pc.diffs = append(pc.diffs, rows...)
	}
	return ""
}

// drillDown locates the rows of a partition whose checksums differ
// (LocateDifferences: key-hash buckets checksummed on both sides, differing buckets'
// rows diffed by key), at most budget of them, each with its key, the differing
// column's values and the statements that show the row on both sides. When the
// search fails the partition itself is reported (with its range and both checksums).
func (v *tableValidation) drillDown(ctx workflow.Context, shape migration.TableShape, p migration.Partition, s, t sourceapi.PartitionChecksum, budget int) []snowflakeapi.ValidationDifference {
	if budget <= 0 {
		return []snowflakeapi.ValidationDifference{partitionDifference(p, s, t)}
	}
	keys := LocateKeys(shape)
	loc, err := LocateDifferences(ctx, LocateInput{
		ConnectionName: v.in.ConnectionName, SourceQueue: v.sourceQueue,
		Source: sourceapi.ExtractInput{Migration: v.in.Migration, Platform: v.in.SourcePlatform, TableKey: v.in.TableKey,
			Table: v.in.Table, TableShape: shape, Partition: p},
		Target: v.target, KeyColumns: keys, MaxDifferences: budget, RowsHint: max(s.Rows, t.Rows), Limits: v.in.Limits,
	})
	if err != nil || len(loc.Differences) == 0 {
		d := partitionDifference(p, s, t)
		if err != nil {
			workflow.GetLogger(ctx).Warn("locating the differing rows failed; reporting the partition", "table", v.in.TableKey, "partition", p.Number, "error", message(err))
		}
		return []snowflakeapi.ValidationDifference{d}
	}
	var uniq []string
	seen := map[string]bool{}
	for _, d := range loc.Differences {
		if !seen[d.Key] {
			seen[d.Key] = true
			uniq = append(uniq, d.Key)
		}
	}
	var srcSQL sourceapi.RowSQLResult
	var tgtSQL snowflakeapi.TargetRowSQLResult
	srcF := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindCatalog, v.sourceQueue), sourceapi.RowSQLName, sourceapi.RowSQLInput{
		Platform: v.in.SourcePlatform, Table: v.in.Table, TableShape: shape, KeyColumns: keys, Keys: uniq})
	if err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindMetadata, ""), snowflakeapi.TargetRowSQLName, snowflakeapi.TargetRowSQLInput{
		Target: v.target, Columns: shape.Columns, KeyColumns: keys, Keys: uniq}).Get(ctx, &tgtSQL); err != nil {
		workflow.GetLogger(ctx).Warn("target row SQL failed", "table", v.in.TableKey, "error", message(err))
	}
	if err := srcF.Get(ctx, &srcSQL); err != nil {
		workflow.GetLogger(ctx).Warn("source row SQL failed", "table", v.in.TableKey, "error", message(err))
	}
	sqlFor := func(list []string, i int, fallback string) string {
		if i < len(list) && list[i] != "" {
			return list[i]
		}
		return fallback
	}
	at := make(map[string]int, len(uniq))
	for i, k := range uniq {
		at[k] = i
	}
	out := make([]snowflakeapi.ValidationDifference, 0, len(loc.Differences)+1)
	for i, d := range loc.Differences {
		diff := snowflakeapi.ValidationDifference{Level: 3, ID: fmt.Sprintf("p%d/%d", p.Number, i), Kind: d.Kind, Column: d.Column, Key: d.Key,
			SourceSQL: sqlFor(srcSQL.SQL, at[d.Key], s.SQL), TargetSQL: sqlFor(tgtSQL.SQL, at[d.Key], t.SQL)}
		if d.Kind != migration.DiffMissingInSource {
			diff.SourceValue = strPtr(d.SourceValue)
		}
		if d.Kind != migration.DiffMissingInTarget {
			diff.TargetValue = strPtr(d.TargetValue)
		}
		out = append(out, diff)
	}
	if loc.Truncated {
		d := partitionDifference(p, s, t)
		d.ID, d.Kind = fmt.Sprintf("p%d/more", p.Number), snowflakeapi.DiffMoreRows
		out = append(out, d)
	}
	return out
}

func partitionDifference(p migration.Partition, s, t sourceapi.PartitionChecksum) snowflakeapi.ValidationDifference {
	return snowflakeapi.ValidationDifference{Level: 3, ID: fmt.Sprintf("p%d", p.Number), Kind: snowflakeapi.DiffPartition,
		Key: partitionText(p), SourceValue: strPtr(s.Checksum), TargetValue: strPtr(t.Checksum), SourceSQL: s.SQL, TargetSQL: t.SQL}
}

// partitionText describes a key range for people: "(lower, upper]".
func partitionText(p migration.Partition) string {
	if p.NullKeys {
		return fmt.Sprintf("partition %d: rows with a NULL key", p.Number)
	}
	b := func(v []string, open string) string {
		if v == nil {
			return open
		}
		return "(" + strings.Join(v, ", ") + ")"
	}
	return fmt.Sprintf("partition %d: %s < key <= %s", p.Number, b(p.Lower, "-∞"), b(p.Upper, "+∞"))
}

// record writes the table's level results and differences (MERGEs: a retry writes the
// same rows). Differences of a level replace what an earlier attempt of this
// validation run recorded for it.
func (v *tableValidation) record(ctx workflow.Context, started time.Time) {
	base := snowflakeapi.RecordValidationInput{
		ConnectionName: v.in.ConnectionName, ValidationID: v.in.ValidationID, Migration: v.in.Migration,
		MigrationRunID: v.baseline, TableKey: v.in.TableKey, SourceIdentifier: v.in.TableKey, StartedAt: started,
	}
	if v.target.Table != "" {
		base.TargetIdentifier = snowflakeTableText(v.target)
	}
	const batch = 500
	for _, l := range v.levels {
		diffs := v.diffs[l.Level]
		if l.Differences > int64(len(diffs)) {
			diffs = append(slices.Clip(diffs), snowflakeapi.ValidationDifference{Level: l.Level, ID: "more", Kind: snowflakeapi.DiffMoreRows,
				SourceValue: strPtr(fmt.Sprintf("%d differences found, the first %d recorded", l.Differences, len(diffs)))})
		}
		first := true
		for first || len(diffs) > 0 {
			in := base
			if first {
				in.ReplaceLevels = []int{l.Level}
			}
			n := min(batch, len(diffs))
			in.Differences, diffs = diffs[:n], diffs[n:]
			first = false
			if err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindMetadata, ""), snowflakeapi.RecordValidationName, in).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Warn("recording validation differences failed", "table", v.in.TableKey, "level", l.Level, "error", message(err))
			}
		}
	}
	in := base
	in.Results = v.levels
	if err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindMetadata, ""), snowflakeapi.RecordValidationName, in).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("recording validation results failed", "table", v.in.TableKey, "error", message(err))
	}
}
