package snowflakeside

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// Validation's Snowflake side (docs/validation.md): level 1's schema check, level 2's
// target metrics, level 3's target checksums, and the records in DATA_VALIDATION.

// Snowflake's lengths of VARCHAR and BINARY written without one: a mapped type
// without a length is satisfied by any length at least this large.
const (
	defaultVarcharLength = 16777216
	defaultBinaryLength  = 8388608
)

// ValidateSchema implements snowflakeapi.ValidateSchemaName.
func (a *Activities) ValidateSchema(ctx context.Context, in snowflakeapi.ValidateSchemaInput) (snowflakeapi.ValidateSchemaResult, error) {
	var res snowflakeapi.ValidateSchemaResult
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return res, err
	}
	stop := a.startHeartbeat(ctx, "validate the schema of "+in.TableKey)
	defer stop()
	target, err := a.resolveTarget(ctx, db, in.ConnectionName, in.TableKey, in.Target)
	if err != nil {
		return res, err
	}
	res.Target = target
	existing, err := readColumns(ctx, db, target)
	if err != nil {
		return res, classify(err, "read the columns of "+snowflake.TableName(target))
	}
	if len(existing) == 0 {
		res.Compared = 1
		res.Differences = []snowflakeapi.ValidationDifference{{Level: 1, ID: "table", Kind: snowflakeapi.DiffMissingTable,
			SourceValue: ptrTo(in.TableKey), TargetSQL: snowflake.ColumnsQuerySQL(target)}}
		return res, nil
	}
	res.Exists = true
	res.Differences, res.Comparable, res.Compared = compareSchema(in.Columns, existing)
	if len(in.PrimaryKey) > 0 {
		res.Compared++
		res.Differences = append(res.Differences, a.checkKey(ctx, db, target, in.PrimaryKey, existing)...)
	}
	q := snowflake.RowCountSQL(target)
	if err := db.QueryRowContext(ctx, q).Scan(&res.Rows); err != nil {
		return res, classify(err, "count the rows of "+snowflake.TableName(target))
	}
	return res, nil
}

// checkKey reports primary-key columns missing on the target, or key values that
// occur more than once there (Snowflake does not enforce primary keys).
func (a *Activities) checkKey(ctx context.Context, db *sql.DB, target migration.TableRef, key []string, existing []snowflake.ExistingColumn) []snowflakeapi.ValidationDifference {
	have := map[string]bool{}
	for _, e := range existing {
		have[e.Name] = true
	}
	for _, k := range key {
		if !have[k] {
			return []snowflakeapi.ValidationDifference{{Level: 1, ID: "primary-key", Kind: snowflakeapi.DiffPrimaryKey, Column: k,
				SourceValue: ptrTo(strings.Join(key, ", ")), TargetValue: ptrTo("column " + k + " is missing")}}
		}
	}
	q, err := snowflake.DuplicateKeysSQL(target, key)
	if err != nil {
		return nil
	}
	var dups int64
	if err := db.QueryRowContext(ctx, q).Scan(&dups); err != nil {
		return []snowflakeapi.ValidationDifference{{Level: 1, ID: "primary-key", Kind: snowflakeapi.DiffPrimaryKey,
			TargetValue: ptrTo("duplicate check failed: " + clip(err.Error())), TargetSQL: q}}
	}
	if dups == 0 {
		return nil
	}
	return []snowflakeapi.ValidationDifference{{Level: 1, ID: "primary-key", Kind: snowflakeapi.DiffPrimaryKey,
		SourceValue: ptrTo("unique (" + strings.Join(key, ", ") + ")"),
		TargetValue: ptrTo(strconv.FormatInt(dups, 10) + " key values occur more than once"), TargetSQL: q}}
}

func ptrTo(s string) *string { return &s }

// compareSchema compares the migration's columns (expected on the target, in order)
// with the target's: missing, extra, reordered, retyped and nullability differences,
// and the columns levels 2 and 3 can compare (present with the same type family).
func compareSchema(want []migration.Column, existing []snowflake.ExistingColumn) (diffs []snowflakeapi.ValidationDifference, comparable []string, compared int64) {
	byName := make(map[string]snowflake.ExistingColumn, len(existing))
	for _, e := range existing {
		byName[e.Name] = e
	}
	wanted := make(map[string]bool, len(want))
	var wantOrder []string
	for _, c := range want {
		compared++
		wanted[c.TargetName] = true
		e, ok := byName[c.TargetName]
		if !ok {
			diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 1, ID: "column/" + c.TargetName, Kind: snowflakeapi.DiffMissingColumn,
				Column: c.TargetName, SourceValue: ptrTo(c.SourceName + " " + c.SourceType + " → " + c.TargetType)})
			continue
		}
		wantOrder = append(wantOrder, c.TargetName)
		ty, err := snowflake.ParseType(c.TargetType)
		got, _ := snowflake.ParseType(e.DataType)
		actual := describeExisting(e)
		switch {
		case err != nil || got.Family != ty.Family:
			diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 1, ID: "type/" + c.TargetName, Kind: snowflakeapi.DiffColumnType,
				Column: c.TargetName, SourceValue: ptrTo(c.TargetType), TargetValue: ptrTo(actual)})
			continue // not comparable in levels 2 and 3
		case !sameDimensions(ty, e):
			diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 1, ID: "type/" + c.TargetName, Kind: snowflakeapi.DiffColumnType,
				Column: c.TargetName, SourceValue: ptrTo(c.TargetType), TargetValue: ptrTo(actual)})
		}
		if c.Nullable != e.Nullable {
			diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 1, ID: "nullable/" + c.TargetName, Kind: snowflakeapi.DiffNullability,
				Column: c.TargetName, SourceValue: ptrTo(nullability(c.Nullable)), TargetValue: ptrTo(nullability(e.Nullable))})
		}
		comparable = append(comparable, c.TargetName)
	}
	var gotOrder []string
	for _, e := range existing {
		if wanted[e.Name] {
			gotOrder = append(gotOrder, e.Name)
			continue
		}
		compared++
		diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 1, ID: "column/" + e.Name, Kind: snowflakeapi.DiffExtraColumn,
			Column: e.Name, TargetValue: ptrTo(describeExisting(e))})
	}
	compared++
	if strings.Join(wantOrder, "\x00") != strings.Join(gotOrder, "\x00") {
		diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 1, ID: "order", Kind: snowflakeapi.DiffColumnOrder,
			SourceValue: ptrTo(strings.Join(wantOrder, ", ")), TargetValue: ptrTo(strings.Join(gotOrder, ", "))})
	}
	return diffs, comparable, compared
}

func nullability(n bool) string {
	if n {
		return "NULL"
	}
	return "NOT NULL"
}

// sameDimensions compares length, precision and scale where the family has them.
func sameDimensions(ty snowflake.SQLType, e snowflake.ExistingColumn) bool {
	switch ty.Family {
	case snowflake.FamNumber:
		p, s := 38, 0
		if len(ty.Args) > 0 {
			p = ty.Args[0]
		}
		if len(ty.Args) > 1 {
			s = ty.Args[1]
		}
		return e.Precision == nil || e.Scale == nil || int(*e.Precision) == p && int(*e.Scale) == s
	case snowflake.FamText, snowflake.FamBinary:
		if e.Length == nil {
			return true
		}
		if len(ty.Args) > 0 {
			return *e.Length == int64(ty.Args[0])
		}
		def := int64(defaultVarcharLength)
		if ty.Family == snowflake.FamBinary {
			def = defaultBinaryLength
		}
		return *e.Length >= def
	}
	return true
}

func describeExisting(e snowflake.ExistingColumn) string {
	t := e.DataType
	switch {
	case e.Precision != nil && e.Scale != nil && strings.EqualFold(e.DataType, snowflake.FamNumber):
		t = fmt.Sprintf("%s(%d,%d)", e.DataType, *e.Precision, *e.Scale)
	case e.Length != nil:
		t = fmt.Sprintf("%s(%d)", e.DataType, *e.Length)
	}
	return t + " " + nullability(e.Nullable)
}

// ProfileTarget implements snowflakeapi.ProfileTargetName: one scan of the target.
func (a *Activities) ProfileTarget(ctx context.Context, in snowflakeapi.ProfileTargetInput) (snowflakeapi.ProfileTargetResult, error) {
	var res snowflakeapi.ProfileTargetResult
	q, err := snowflake.ProfileColumnsSQL(in.Target, in.Columns)
	if err != nil {
		return res, temporal.NewNonRetryableApplicationError("column metrics of "+in.TableKey+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return res, err
	}
	stop := a.startHeartbeat(ctx, "column metrics of "+in.TableKey)
	defer stop()
	ints := make([]sql.NullInt64, 3*len(in.Columns))
	texts := make([]sql.NullString, 5*len(in.Columns))
	dest := make([]any, 0, snowflake.ProfileCells*len(in.Columns))
	for i := range in.Columns {
		dest = append(dest, &ints[3*i], &ints[3*i+1], &ints[3*i+2])
		for j := 0; j < 5; j++ {
			dest = append(dest, &texts[5*i+j])
		}
	}
	if err := db.QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return res, classify(err, "column metrics of "+snowflake.TableName(in.Target))
	}
	opt := func(s sql.NullString) *string {
		if !s.Valid {
			return nil
		}
		v := s.String
		return &v
	}
	for i, c := range in.Columns {
		m := sourceapi.ColumnMetrics{Column: c.TargetName, Kind: snowflake.MetricKindOf(c.TargetType),
			Count: ints[3*i].Int64, Nulls: ints[3*i+1].Int64}
		if ints[3*i+2].Valid {
			d := ints[3*i+2].Int64
			m.Distinct = &d
		}
		t := texts[5*i : 5*i+5]
		m.Min, m.Max, m.Sum, m.Avg, m.Stddev = opt(t[0]), opt(t[1]), opt(t[2]), opt(t[3]), opt(t[4])
		res.Metrics = append(res.Metrics, m)
	}
	return res, nil
}

// ChecksumTargetPartitions implements snowflakeapi.ChecksumTargetPartitionsName.
func (a *Activities) ChecksumTargetPartitions(ctx context.Context, in snowflakeapi.ChecksumTargetPartitionsInput) (snowflakeapi.ChecksumTargetPartitionsResult, error) {
	var res snowflakeapi.ChecksumTargetPartitionsResult
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return res, err
	}
	stop := a.startHeartbeat(ctx, "checksum the target partitions of "+in.TableKey)
	defer stop()
	for _, p := range in.Partitions {
		where := fmt.Sprintf("partition %d of %s", p.Number, in.TableKey)
		q, err := snowflake.ChecksumRangeSQL(in.Target, in.Columns, in.PartitionBy, p)
		if err != nil {
			return res, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
		}
		rows, sum, err := scanCheck(ctx, db, q, true)
		if err != nil {
			return res, classify(err, "checksum the target rows of "+where)
		}
		fetch, err := snowflake.PartitionRowsSQL(in.Target, in.Columns, in.PartitionBy, p)
		if err != nil {
			return res, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
		}
		res.Checksums = append(res.Checksums, sourceapi.PartitionChecksum{Number: p.Number, Checksum: sum.String(), Rows: rows, SQL: fetch})
	}
	return res, nil
}

// RecordValidation implements snowflakeapi.RecordValidationName: the table's level
// results and a batch of its differences, each a MERGE on its key.
func (a *Activities) RecordValidation(ctx context.Context, in snowflakeapi.RecordValidationInput) error {
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	k := snowflake.ValidationTableKey{ValidationID: in.ValidationID, WorkflowID: in.Migration, MigrationRunID: in.MigrationRunID, TableKey: in.TableKey}
	now := a.now()
	for _, lvl := range in.ReplaceLevels {
		if _, err := a.exec(ctx, db, "clear the earlier differences of "+in.TableKey, snowflake.DeleteValidationDifferencesSQL(a.meta, k, lvl)); err != nil {
			return err
		}
	}
	for start := 0; start < len(in.Differences); start += maxUpdatesPerStatement {
		batch := in.Differences[start:min(start+maxUpdatesPerStatement, len(in.Differences))]
		rows := make([]snowflake.ValidationDifferenceRow, len(batch))
		for i, d := range batch {
			rows[i] = snowflake.ValidationDifferenceRow{Level: d.Level, ID: d.ID, Kind: d.Kind, Column: d.Column, Metric: d.Metric,
				Key: d.Key, SourceValue: d.SourceValue, TargetValue: d.TargetValue, SourceSQL: d.SourceSQL, TargetSQL: d.TargetSQL}
		}
		q, err := snowflake.MergeValidationDifferencesSQL(a.meta, k, rows, now)
		if err != nil {
			return temporal.NewNonRetryableApplicationError(err.Error(), migration.ErrTypeConfig, err)
		}
		if _, err := a.exec(ctx, db, "record the validation differences of "+in.TableKey, q); err != nil {
			return err
		}
	}
	if len(in.Results) == 0 {
		return nil
	}
	rows := make([]snowflake.ValidationResultRow, len(in.Results))
	for i, r := range in.Results {
		rows[i] = snowflake.ValidationResultRow{Level: r.Level, Status: r.Status, Compared: r.Compared, Differences: r.Differences,
			Message: r.Message, SourceIdentifier: in.SourceIdentifier, TargetIdentifier: in.TargetIdentifier}
	}
	q, err := snowflake.MergeValidationResultsSQL(a.meta, k, rows, in.StartedAt, now)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), migration.ErrTypeConfig, err)
	}
	_, err = a.exec(ctx, db, "record the validation results of "+in.TableKey, q)
	return err
}

// RecordValidationRun implements snowflakeapi.RecordValidationRunName.
func (a *Activities) RecordValidationRun(ctx context.Context, in snowflakeapi.RecordValidationRunInput) error {
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	_, err = a.exec(ctx, db, "record validation run "+in.ValidationID, snowflake.MergeValidationRunSQL(a.meta, snowflake.ValidationRunRow{
		ValidationID: in.ValidationID, WorkflowID: in.Migration, ValidationWorkflowID: in.ValidationWorkflowID, Level: in.Level,
		Tolerance: in.Tolerance, Status: in.Status, TablesTotal: in.TablesTotal, Matched: in.TablesMatched,
		Mismatched: in.TablesMismatched, Errors: in.TablesError, Message: in.Message, StartedAt: in.StartedAt, EndedAt: in.EndedAt, At: a.now(),
	}))
	return err
}

// TargetRowSQL implements snowflakeapi.TargetRowSQLName: statements only, no query
// runs ("" for a key that cannot be written as literals of its columns' types).
func (a *Activities) TargetRowSQL(_ context.Context, in snowflakeapi.TargetRowSQLInput) (snowflakeapi.TargetRowSQLResult, error) {
	res := snowflakeapi.TargetRowSQLResult{SQL: make([]string, len(in.Keys))}
	for i, k := range in.Keys {
		if q, err := snowflake.RowSQL(in.Target, in.Columns, in.KeyColumns, k); err == nil {
			res.SQL[i] = q
		}
	}
	return res, nil
}
