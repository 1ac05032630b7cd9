package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// COPY file errors: a FILES entry that is not on the stage ("Remote file ... was not
// found", which callers test for) and a file that cannot be read in the given format.
const (
	errFileNotFound   = 100069
	errFileUnreadable = 100152
)

// copyRun is one COPY INTO <table> execution.
type copyRun struct {
	h       stageHost
	stmt    *copyStmt
	table   *copyTable
	rs      *resolvedStage
	format  *fileFormat
	scratch *sql.DB

	matchBy      string // NONE, CASE_SENSITIVE, CASE_INSENSITIVE
	onError      string // ABORT_STATEMENT, CONTINUE, SKIP_FILE, SKIP_FILE_N
	skipLimit    int64  // SKIP_FILE_<n>: a file fails at n errors
	skipPct      float64
	force, purge bool

	transformExprs []string  // translated SELECT list (DuckDB), over placeholders
	transformRefs  []fileRef // the $ references, placeholder k = index+1
	transformJSON  []bool    // the translated expression already yields VARIANT JSON text
}

// copyOptions are the COPY options the emulator knows; anything else is an error so
// that typos do not silently change behaviour.
var copyOptions = map[string]bool{"FILES": true, "PATTERN": true, "FILE_FORMAT": true, "ON_ERROR": true,
	"MATCH_BY_COLUMN_NAME": true, "FORCE": true, "PURGE": true, "SIZE_LIMIT": true, "RETURN_FAILED_ONLY": true,
	"ENFORCE_LENGTH": true, "TRUNCATECOLUMNS": true, "LOAD_UNCERTAIN_FILES": true, "INCLUDE_METADATA": true,
	"LOAD_MODE": true}

// execCopy runs COPY INTO <table>; the parser stands after COPY.
func execCopy(ctx context.Context, h stageHost, p *stageParser) (*Result, error) {
	stmt, err := parseCopy(p)
	if err != nil {
		return nil, err
	}
	c := &copyRun{h: h, stmt: stmt}
	if err := c.prepare(ctx); err != nil {
		return nil, err
	}
	files, err := c.selectFiles(ctx)
	if err != nil {
		return nil, err
	}
	// History is read and files are validated without taking the files' load locks
	// (reads only); the locks are taken before the first write below, after which the
	// history is read again so that a file another session loaded meanwhile is not
	// loaded twice.
	tableKey, err := tableIdentity(ctx, h, c.table)
	if err != nil {
		return nil, err
	}
	loaded, err := loadedFiles(ctx, h, tableKey)
	if err != nil {
		return nil, err
	}
	var plans []*filePlan
	for _, fp := range files {
		if !c.skipLoaded(fp, loaded) {
			plans = append(plans, fp)
		}
	}
	defer func() {
		for _, fp := range plans {
			if fp.Temp {
				os.Remove(fp.Local)
			}
		}
	}()
	for _, fp := range plans {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c.inspect(ctx, fp)
		if c.onError == "ABORT_STATEMENT" && (fp.ReadErr != "" || fp.Bad > 0) {
			return nil, c.abortError(fp)
		}
	}
	if len(plans) > 0 {
		keys := make([]string, len(plans))
		for i, fp := range plans {
			keys[i] = c.historyKey(fp.File)
		}
		if err := h.beginLoad(ctx, c.table.Ref, keys); err != nil {
			return nil, err
		}
		if loaded, err = loadedFiles(ctx, h, tableKey); err != nil {
			return nil, err
		}
		kept := plans[:0:0]
		for _, fp := range plans {
			if !c.skipLoaded(fp, loaded) {
				kept = append(kept, fp)
			} else if fp.Temp {
				os.Remove(fp.Local)
			}
		}
		plans = kept
	}
	if len(plans) == 0 {
		return &Result{StatementTypeID: StmtCopy, Columns: []Column{textCol("status")},
			Rows: [][]*string{{strp("Copy executed with 0 files processed.")}}}, nil
	}
	// Every file is planned and validated; only now does the session's transaction
	// see data writes, so a failed COPY leaves an open transaction usable.
	for _, fp := range plans {
		if !c.shouldLoad(fp) {
			continue
		}
		if err := c.load(ctx, fp); err != nil {
			return nil, err
		}
		if err := recordLoad(ctx, h, tableKey, c.historyKey(fp.File), fp); err != nil {
			return nil, err
		}
	}
	if c.purge {
		var done []string
		for _, fp := range plans {
			if c.shouldLoad(fp) {
				done = append(done, fp.File.Path)
			}
		}
		if err := c.rs.Store.remove(ctx, done); err != nil {
			return nil, fmt.Errorf("COPY PURGE: %w", err)
		}
	}
	return c.result(plans), nil
}

// skipLoaded reports whether the load history already has this file with this content.
func (c *copyRun) skipLoaded(fp *filePlan, loaded map[string]string) bool {
	return !c.force && fp.ReadErr == "" && loaded[c.historyKey(fp.File)] == fp.File.MD5
}

// prepare resolves the table, stage, format and options.
func (c *copyRun) prepare(ctx context.Context) error {
	h := c.h
	n, err := h.resolve(c.stmt.Table)
	if err != nil {
		return err
	}
	if c.table, err = h.table(ctx, n); err != nil {
		return err
	}
	if c.table == nil {
		return notExists("Table", n)
	}
	for _, col := range c.stmt.Columns {
		found := false
		for _, tc := range c.table.Columns {
			found = found || tc.Name == col
		}
		if !found {
			return Errorf(904, "42000", "SQL compilation error: error line 0 at position 0\ninvalid identifier '%s'", sfIdentText(col))
		}
	}
	if c.rs, err = resolveStage(ctx, h, c.stmt.Ref); err != nil {
		return err
	}
	cat, err := stageCatalogFor(h.dataDir())
	if err != nil {
		return err
	}
	var ffOpts stageOpts
	if v, ok := c.stmt.Opts["FILE_FORMAT"]; ok {
		ffOpts = v.Nested
		if ffOpts == nil {
			ffOpts = stageOpts{"FORMAT_NAME": v}
		}
	}
	if c.format, err = formatFor(h, cat, ffOpts, c.rs.Def); err != nil {
		return err
	}
	opts := stageOpts{}
	if c.rs.Def != nil {
		for k, v := range c.rs.Def.CopyOptions {
			opts[k] = v
		}
	}
	for k, v := range c.stmt.Opts {
		opts[k] = v
	}
	for k := range opts {
		if k == "VALIDATION_MODE" {
			return Errorf(ErrSyntax, "0A000", "SQL compilation error: VALIDATION_MODE is not supported by the emulator")
		}
		if !copyOptions[k] {
			return Errorf(ErrSyntax, "42000", "SQL compilation error: invalid COPY option '%s'", k)
		}
	}
	c.stmt.Opts = opts
	if c.force, err = opts.boolOpt("FORCE", false); err != nil {
		return err
	}
	if c.purge, err = opts.boolOpt("PURGE", false); err != nil {
		return err
	}
	c.matchBy = opts.enum("MATCH_BY_COLUMN_NAME", "NONE")
	switch c.matchBy {
	case "NONE", "CASE_SENSITIVE", "CASE_INSENSITIVE":
	default:
		return Errorf(ErrSyntax, "42000", "SQL compilation error: invalid value [%s] for MATCH_BY_COLUMN_NAME: use CASE_SENSITIVE, CASE_INSENSITIVE or NONE", c.matchBy)
	}
	if c.matchBy != "NONE" {
		if c.format.Type == "CSV" && !c.format.ParseHeader {
			return Errorf(ErrSyntax, "0A000", "SQL compilation error: MATCH_BY_COLUMN_NAME with CSV needs FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE)")
		}
		if c.stmt.Transform != nil || len(c.stmt.Columns) > 0 {
			return Errorf(ErrSyntax, "42000", "SQL compilation error: MATCH_BY_COLUMN_NAME cannot be combined with a column list or a transformation")
		}
	}
	if err := c.parseOnError(opts.enum("ON_ERROR", "ABORT_STATEMENT")); err != nil {
		return err
	}
	if err := c.checkIcebergLoad(cat); err != nil { // copy_iceberg.go
		return err
	}
	targets := c.targetColumns()
	switch {
	case c.stmt.Transform != nil && len(c.stmt.Transform.Exprs) != len(targets):
		return Errorf(ErrSyntax, "42601", "SQL compilation error: Insert value list does not match column list expecting %d but got %d",
			len(targets), len(c.stmt.Transform.Exprs))
	case c.format.Type == "PARQUET" && c.matchBy == "NONE" && c.stmt.Transform == nil &&
		(len(targets) != 1 || !isVariantType(targets[0].Target.SFType)):
		return Errorf(2019, "0A000", "SQL compilation error:\nPARQUET file format can produce one and only one column of type variant, object, or array. Load data into separate columns using the MATCH_BY_COLUMN_NAME copy option or copy with transformation.")
	}
	if c.stmt.Transform != nil {
		for _, e := range c.stmt.Transform.Exprs {
			rewritten, err := rewriteFileRefs(e, c.stmt.Transform.Alias, &c.transformRefs)
			if err != nil {
				return err
			}
			duck, variant, err := h.translateExpr(rewritten)
			if err != nil {
				return err
			}
			c.transformExprs = append(c.transformExprs, duck)
			c.transformJSON = append(c.transformJSON, variant)
		}
	}
	c.scratch, err = scratchDB()
	return err
}

func (c *copyRun) parseOnError(v string) error {
	switch {
	case v == "ABORT_STATEMENT", v == "CONTINUE", v == "SKIP_FILE":
		c.onError = v
		return nil
	case strings.HasPrefix(v, "SKIP_FILE_"):
		num := strings.TrimPrefix(v, "SKIP_FILE_")
		c.onError = "SKIP_FILE_N"
		if strings.HasSuffix(num, "%") {
			f, err := strconv.ParseFloat(strings.TrimSuffix(num, "%"), 64)
			if err == nil && f > 0 {
				c.skipPct = f
				return nil
			}
		} else if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > 0 {
			c.skipLimit = n
			return nil
		}
	}
	return Errorf(ErrSyntax, "42000", "SQL compilation error: invalid value [%s] for ON_ERROR: use ABORT_STATEMENT, CONTINUE, SKIP_FILE, SKIP_FILE_<n> or 'SKIP_FILE_<n>%%'", v)
}

// selectFiles lists the files named by FILES or matched by PATTERN. FILES entries that
// do not exist become failed files.
func (c *copyRun) selectFiles(ctx context.Context) ([]*filePlan, error) {
	files, err := selectFiles(ctx, c.rs, c.stmt.Opts["PATTERN"].Str)
	if err != nil {
		return nil, err
	}
	mk := func(f stageFile) *filePlan { return &filePlan{File: f, Name: c.rs.Display + f.Path} }
	want, ok := c.stmt.Opts["FILES"]
	if !ok {
		out := make([]*filePlan, 0, len(files))
		for _, f := range files {
			out = append(out, mk(f))
		}
		return out, nil
	}
	byPath := map[string]stageFile{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	prefix := c.rs.Path
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	var out []*filePlan
	seen := map[string]bool{}
	for _, name := range want.values() {
		path := prefix + strings.TrimLeft(name, "/")
		if seen[path] {
			continue
		}
		seen[path] = true
		f, ok := byPath[path]
		if !ok {
			fp := mk(stageFile{Path: path})
			fp.Missing = true
			fp.ReadErr = fmt.Sprintf("Remote file '%s' was not found. There are several potential causes. The file might not exist. The required credentials may be missing or invalid.", c.rs.Display+path)
			out = append(out, fp)
			continue
		}
		out = append(out, mk(f))
	}
	return out, nil
}

// inspect fetches, plans and validates one file, recording problems on the plan.
func (c *copyRun) inspect(ctx context.Context, fp *filePlan) {
	if fp.ReadErr != "" {
		return
	}
	if fp.File.Size == 0 {
		fp.Empty = true
		return
	}
	local, temp, err := c.rs.Store.fetch(ctx, fp.File, os.TempDir())
	if err != nil {
		fp.ReadErr = errText(err)
		return
	}
	fp.Local, fp.Temp = local, temp
	if err := c.buildPlan(ctx, fp); err != nil {
		var re *rowErrorErr
		if errors.As(err, &re) {
			fp.Bad, fp.First = 1, &re.re
			fp.First.Column = orDefault(fp.First.Column, "")
			return
		}
		var se *Error
		if errors.As(err, &se) && se.Number != ErrInternal {
			fp.ReadErr = se.Message
			return
		}
		fp.ReadErr = errText(err)
		return
	}
	if err := c.validate(ctx, fp); err != nil {
		fp.ReadErr = errText(err)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// errText is a DuckDB/IO error as a one-line Snowflake-style message.
func errText(err error) string {
	msg := err.Error()
	var se *Error
	if errors.As(err, &se) {
		msg = se.Message
	}
	return strings.TrimSpace(strings.SplitN(msg, "\n", 2)[0])
}

// shouldLoad reports whether a planned file is inserted.
func (c *copyRun) shouldLoad(fp *filePlan) bool {
	if fp.ReadErr != "" {
		return false
	}
	if fp.Empty {
		return true
	}
	if fp.Cols == nil { // planning failed with a file-level error (e.g. column count)
		return false
	}
	switch c.onError {
	case "SKIP_FILE":
		return fp.Bad == 0
	case "SKIP_FILE_N":
		if c.skipPct > 0 {
			return fp.Parsed == 0 || float64(fp.Bad)*100/float64(fp.Parsed) < c.skipPct
		}
		return fp.Bad < c.skipLimit
	}
	return true
}

// load inserts the file's rows inside the session's transaction.
func (c *copyRun) load(ctx context.Context, fp *filePlan) error {
	if fp.Empty {
		return nil
	}
	cols := make([]string, len(fp.Cols))
	convs := make([]string, len(fp.Cols))
	var checks []string
	for i, cp := range fp.Cols {
		cols[i] = cp.Target.Duck
		convs[i] = cp.Conv
		if cp.Check != "" {
			checks = append(checks, cp.Check)
		}
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM (%s) s", c.table.Ref, strings.Join(cols, ", "),
		strings.Join(convs, ", "), fp.Inner)
	if len(checks) > 0 && fp.Bad > 0 {
		q += " WHERE NOT (" + strings.Join(checks, " OR ") + ")"
	}
	n, err := c.h.exec(ctx, q)
	if err != nil {
		return fmt.Errorf("COPY INTO %s from %s: %w", c.table.Name, fp.Name, err)
	}
	fp.Loaded = n
	if fp.Parsed == 0 {
		fp.Parsed = n + fp.Bad
	}
	return nil
}

// status is the per-file status of the result.
func (c *copyRun) status(fp *filePlan) string {
	switch {
	case !c.shouldLoad(fp):
		return "LOAD_FAILED"
	case fp.Bad > 0 && fp.Loaded > 0:
		return "PARTIALLY_LOADED"
	case fp.Bad > 0:
		return "LOAD_FAILED"
	}
	return "LOADED"
}

func (c *copyRun) errorLimit(fp *filePlan) int64 {
	switch c.onError {
	case "CONTINUE":
		return max(fp.Parsed, 1)
	case "SKIP_FILE_N":
		if c.skipPct > 0 {
			return int64(float64(fp.Parsed) * c.skipPct / 100)
		}
		return c.skipLimit
	}
	return 1
}

// result renders the per-file COPY result (columns as Snowflake sends them).
func (c *copyRun) result(plans []*filePlan) *Result {
	res := &Result{StatementTypeID: StmtCopy, Columns: []Column{textCol("file"), textCol("status"),
		fixedCol("rows_parsed"), fixedCol("rows_loaded"), fixedCol("error_limit"), fixedCol("errors_seen"),
		textCol("first_error"), fixedCol("first_error_line"), fixedCol("first_error_character"),
		textCol("first_error_column_name")}}
	for _, fp := range plans {
		row := []*string{strp(fp.Name), strp(c.status(fp)), intCell(fp.Parsed), intCell(fp.Loaded),
			intCell(c.errorLimit(fp)), intCell(fp.Bad), nil, nil, nil, nil}
		switch {
		case fp.ReadErr != "":
			row[5] = intCell(1)
			row[6] = strp(fp.ReadErr)
		case fp.First != nil:
			row[6] = strp(fp.First.Message)
			row[7] = intCell(fp.First.Line)
			row[8] = intCell(fp.First.Char)
			if fp.First.Column != "" {
				row[9] = strp(fp.First.Column)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

// abortError is the statement error of ON_ERROR=ABORT_STATEMENT.
func (c *copyRun) abortError(fp *filePlan) error {
	const hint = "\n  If you would like to continue loading when an error is encountered, use other values such as 'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on loading options, please run 'info loading_data' in a SQL client."
	if fp.ReadErr != "" {
		if fp.Missing {
			return Errorf(errFileNotFound, "22000", "%s%s", fp.ReadErr, hint)
		}
		num := errFileUnreadable
		if strings.HasPrefix(fp.ReadErr, "Conversion Error") {
			// A cast inside a transformation failed: report it as Snowflake's
			// conversion error of the target kind.
			num = 100071
			for _, k := range []string{"DECIMAL", "INT", "DOUBLE", "FLOAT"} {
				if strings.Contains(fp.ReadErr, k) {
					num = ErrNumericConv
				}
			}
		}
		return Errorf(num, "22000", "Error loading file '%s': %s%s", fp.Name, fp.ReadErr, hint)
	}
	e := fp.First
	msg := fmt.Sprintf("%s\n  File '%s', line %d, character %d", e.Message, fp.Name, e.Line, e.Char)
	if e.Column != "" {
		msg += fmt.Sprintf("\n  Row %d, column %s", max(e.Line-int64(c.format.SkipHeader), 1), e.Column)
	}
	return Errorf(e.Number, "22000", "%s%s", msg, hint)
}

// historyKey identifies a staged file in the load history: the stage and the path.
func (c *copyRun) historyKey(f stageFile) string {
	switch c.stmt.Ref.Kind {
	case 'u':
		return "@~/" + f.Path
	case 't':
		return "@%" + c.rs.Name.String() + "/" + f.Path
	}
	return "@" + c.rs.Name.String() + "/" + f.Path
}

func (c *copyRun) columnLabel(col copyColumn, pos int) string {
	return fmt.Sprintf(`"%s"["%s":%d]`, c.table.Name.Name, col.Name, pos)
}

// sfIdentText prints an identifier as Snowflake does in messages.
func sfIdentText(s string) string {
	if strings.ToUpper(s) == s {
		return s
	}
	return `"` + s + `"`
}
