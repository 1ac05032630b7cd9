package engine

// checkIcebergLoad applies Snowflake's rules for COPY INTO an Iceberg table:
//   - a table still linked to an external catalog is read-only;
//   - LOAD_MODE is FULL_INGEST (the default: files are read and rewritten) or
//     ADD_FILES_COPY (Iceberg-compatible Parquet registered as is), and only for Iceberg
//     tables;
//   - ADD_FILES_COPY needs TYPE = PARQUET with USE_VECTORIZED_SCANNER = TRUE,
//     MATCH_BY_COLUMN_NAME = CASE_SENSITIVE, no transformation or column list, and
//     ON_ERROR ABORT_STATEMENT or SKIP_FILE (a file is registered whole: CONTINUE cannot
//     drop rows from it).
//
// The emulator loads the rows the same way in both modes.
func (c *copyRun) checkIcebergLoad(cat *stageCatalog) error {
	mode, hasMode := c.stmt.Opts["LOAD_MODE"]
	im := c.table.Iceberg
	if im == nil {
		if hasMode {
			return Errorf(ErrSyntax, "0A000", "SQL compilation error:\nLOAD_MODE applies to Iceberg tables only; %s is not an Iceberg table.", c.table.Name.String())
		}
		return nil
	}
	if im.Linked {
		return errIcebergReadOnly(ObjectName{Database: c.table.Name.DB, Schema: c.table.Name.Schema, Name: c.table.Name.Name}, im)
	}
	switch m := c.stmt.Opts.enum("LOAD_MODE", "FULL_INGEST"); m {
	case "FULL_INGEST":
		return nil
	case "ADD_FILES_COPY":
	default:
		return Errorf(ErrSyntax, "42000", "SQL compilation error: invalid value [%s] for LOAD_MODE: use FULL_INGEST or ADD_FILES_COPY", mode.Str)
	}
	fix := func(what string) error {
		return Errorf(ErrSyntax, "0A000", "SQL compilation error:\nLOAD_MODE = ADD_FILES_COPY %s.", what)
	}
	switch {
	case c.format.Type != "PARQUET":
		return fix("loads Parquet files only: use FILE_FORMAT = (TYPE = PARQUET USE_VECTORIZED_SCANNER = TRUE) or LOAD_MODE = FULL_INGEST")
	case !c.vectorized(cat):
		return fix("requires USE_VECTORIZED_SCANNER = TRUE in the file format")
	case c.stmt.Transform != nil || len(c.stmt.Columns) > 0:
		return fix("does not support transformations or a column list: the files are registered as they are")
	case c.matchBy != "CASE_SENSITIVE":
		return fix("requires MATCH_BY_COLUMN_NAME = CASE_SENSITIVE")
	case c.onError == "CONTINUE":
		return fix("does not support ON_ERROR = CONTINUE: use ABORT_STATEMENT or SKIP_FILE")
	}
	return nil
}

// vectorized reports USE_VECTORIZED_SCANNER = TRUE in the statement's file format, the
// named format it refers to, or the stage's.
func (c *copyRun) vectorized(cat *stageCatalog) bool {
	on := func(o stageOpts) bool { return o.enum("USE_VECTORIZED_SCANNER", "FALSE") == "TRUE" }
	ff := c.stmt.Opts["FILE_FORMAT"].Nested
	if ff == nil && c.stmt.Opts["FILE_FORMAT"].Str != "" {
		ff = stageOpts{"FORMAT_NAME": c.stmt.Opts["FILE_FORMAT"]}
	}
	if ff == nil && c.rs.Def != nil {
		ff = c.rs.Def.FileFormat
	}
	if name, ok := ff["FORMAT_NAME"]; ok {
		n, err := c.h.resolve(name.Str)
		if err != nil {
			return false
		}
		if f := cat.getFormat(n.DB, n.Schema, n.Name); f != nil {
			return on(f.Options)
		}
		return false
	}
	return on(ff)
}
