package source

import "github.com/snowmigrate/snowmigrate/migration"

// ExtractMethod says how a dialect streams rows out of the source.
type ExtractMethod int

const (
	// ExtractCopyBinary streams COPY (SELECT …) TO STDOUT (FORMAT binary).
	ExtractCopyBinary ExtractMethod = iota
	// ExtractCursor declares a server-side cursor and FETCHes batches in the binary
	// result format (Redshift has no COPY TO STDOUT).
	ExtractCursor
)

// KeyColumn is a partition column as the SQL builders need it.
type KeyColumn struct {
	Name     string // exact source name
	BaseType string // source type without modifiers, e.g. "numeric", "character varying"
	Collate  bool   // text-like: ordered with the byte-order ("C") collation
	// PadTo > 0: character(PadTo), ordered and compared as its blank-padded text (the
	// value Snowflake receives), not with char's blank-insensitive comparison.
	PadTo int
}

// Dialect is the narrow interface each source dialect implements. Every method is pure
// (no I/O), so the SQL it builds is golden-tested without a database.
type Dialect interface {
	// Platform is the --source-platform value this dialect serves.
	Platform() string
	// QuoteIdent quotes one identifier; the only place identifiers are quoted.
	QuoteIdent(name string) string
	// QuoteLiteral quotes a string literal (COPY takes no bind parameters).
	QuoteLiteral(s string) string
	// ResolveName turns a configuration name into the exact catalog name: a name in
	// double quotes keeps its case (and "" unescapes to "), any other is folded.
	ResolveName(configName string) string
	// Table is the schema-qualified, quoted table name used in FROM clauses.
	Table(ref migration.TableRef) string

	// CatalogTableSQL returns one row (name facts and size estimates) when the table
	// exists; parameters $1 schema, $2 table.
	CatalogTableSQL() string
	// CatalogColumnsSQL lists columns in ordinal order; parameters $1 schema, $2 table.
	CatalogColumnsSQL() string
	// PrimaryKeySQL lists the primary key columns in key order; $1 schema, $2 table.
	PrimaryKeySQL() string
	// CountSQL is SELECT count(*) … WHERE <where>.
	CountSQL(table migration.TableRef, where string) string
	// HasRowsSQL is SELECT EXISTS(… WHERE <where>).
	HasRowsSQL(table migration.TableRef, where string) string

	// BoundsSQL returns the keyset page query of the partition planner: the keys after
	// `after` (nil: from the start) in byte order, limited to limit rows, numbered; it
	// returns the rows whose number is a multiple of step, and the last one, as
	// (rn, cnt, key1::text, …).
	BoundsSQL(table migration.TableRef, keys []KeyColumn, where string, after []string, step, limit int64) string
	// NullKeysSQL is SELECT EXISTS(rows with a NULL in any key column AND where).
	NullKeysSQL(table migration.TableRef, keys []KeyColumn, where string) string
	// PartitionPredicate is the WHERE condition selecting exactly the partition's rows.
	PartitionPredicate(keys []KeyColumn, p migration.Partition) string
	// ExtractSQL is the SELECT whose rows are the partition's rows, in plan order.
	ExtractSQL(table migration.TableRef, plans []ColumnPlan, keys []KeyColumn, p migration.Partition, where string) string
	// NumericScanSQL measures unconstrained numeric columns (largest scale, largest
	// integer digit count, non-NULL count per column) so their type can be decided.
	NumericScanSQL(table migration.TableRef, cols []string, where string) string
	// ExtractMethod says how ExtractSQL's rows are streamed.
	ExtractMethod() ExtractMethod

	// MapType maps a source column type (as the catalog spells it) to Snowflake.
	MapType(c SourceColumn) Mapping
	// PlanColumn decides how a mapped column is read and written.
	PlanColumn(c migration.Column) (ColumnPlan, error)
}
