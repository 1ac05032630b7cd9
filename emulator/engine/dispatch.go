package engine

import (
	"context"
	"strings"
	"time"
)

// dispatch routes one statement by its leading keywords.
func (s *Session) dispatch(ctx context.Context, sqlText string, binds map[string]Bind, describeOnly bool) (*Result, error) {
	toks, err := lex(sqlText)
	if err != nil {
		return nil, err
	}
	// drop trailing semicolons; more than one statement is not supported
	for len(toks) >= 2 && toks[len(toks)-2].IsOp(";") {
		toks = append(toks[:len(toks)-2], toks[len(toks)-1])
	}
	for _, tk := range toks {
		if tk.IsOp(";") {
			return nil, Errorf(8, "0A000", "Actual statement count >1 did not match the desired statement count 1; the emulator runs one statement per request.")
		}
	}
	if len(toks) == 1 {
		return nil, Errorf(900, "42000", "Empty SQL statement.")
	}
	if err := checkBalanced(toks); err != nil {
		return nil, err
	}
	nTok := len(toks)
	toks = padEOF(toks)
	first := toks[0]
	if first.IsOp("(") {
		return s.runQuery(ctx, toks, binds, describeOnly)
	}
	if first.Kind != TkWord {
		return nil, errSyntaxAt(first, "")
	}
	w1 := toks[1].Val
	if s.abortedTxn != 0 {
		return s.inAbortedTxn(first)
	}
	if first.Is("SELECT") && !describeOnly {
		if res, ok, err := s.systemAbort(ctx, toks, binds); ok {
			return res, err
		}
	}
	// DDL commits an open transaction, then runs alone under the catalog lock: two
	// sessions creating the same object IF NOT EXISTS see each other's result.
	ddl := false
	switch first.Val {
	case "CREATE", "DROP", "COMMENT", "UNDROP":
		ddl = true
	case "ALTER":
		ddl = !(toks[1].Is("SESSION") || toks[1].Is("WAREHOUSE") || toks[1].Is("USER") || toks[1].Is("ROLE") || toks[1].Is("ACCOUNT"))
	}
	if ddl && !describeOnly {
		if err := s.commitImplicit(); err != nil {
			return nil, err
		}
		if err := s.lockDDL(ctx); err != nil {
			return nil, err
		}
	}
	// Iceberg tables, external volumes, catalog integrations, DESC STAGE (iceberg.go).
	if res, ok, err := s.execIceberg(ctx, toks, describeOnly); ok {
		return res, err
	}
	switch first.Val {
	case "SELECT", "WITH":
		return s.runQuery(ctx, toks, binds, describeOnly)
	case "PUT", "GET", "LIST", "LS", "REMOVE", "RM", "COPY":
		return s.execStage(ctx, sqlText, binds)
	case "INSERT":
		return s.execInsert(ctx, toks, binds, describeOnly)
	case "UPDATE":
		return s.execUpdate(ctx, toks, binds, describeOnly)
	case "DELETE":
		return s.execDelete(ctx, toks, binds, describeOnly)
	case "MERGE":
		return s.execMerge(ctx, toks, binds, describeOnly)
	case "TRUNCATE":
		return s.execTruncate(ctx, toks, describeOnly)
	case "CREATE":
		if isStageObject(toks, 1) {
			return s.execStage(ctx, sqlText, binds)
		}
		return s.execCreate(ctx, toks, binds, describeOnly)
	case "DROP":
		if isStageObject(toks, 1) {
			return s.execStage(ctx, sqlText, binds)
		}
		return s.execDrop(ctx, toks, describeOnly)
	case "ALTER":
		return s.execAlter(ctx, toks, describeOnly)
	case "USE":
		return s.execUse(ctx, toks)
	case "SHOW":
		if w1 == "STAGES" || (w1 == "FILE" && toks[2].Is("FORMATS")) {
			return s.execStage(ctx, sqlText, binds)
		}
		if w1 == "TRANSACTIONS" {
			return s.showTransactions(toks)
		}
		return s.execShow(ctx, toks)
	case "DESCRIBE", "DESC":
		return s.execDescribe(ctx, toks)
	case "BEGIN", "START":
		return s.execBegin(toks)
	case "COMMIT":
		if nTok > 3 || (nTok == 3 && !toks[1].Is("WORK")) {
			return nil, errSyntaxAt(toks[1], "")
		}
		s.explicitTxn = false
		if err := s.finishTxn(true); err != nil {
			return nil, err
		}
		return statusResult("Statement executed successfully."), nil
	case "ROLLBACK", "ABORT":
		s.explicitTxn = false
		if err := s.finishTxn(false); err != nil {
			return nil, err
		}
		return statusResult("Statement executed successfully."), nil
	case "GRANT", "REVOKE":
		return statusResult("Statement executed successfully."), nil
	case "COMMENT":
		return s.execComment(ctx, toks)
	}
	return nil, unsupported("statement %s", strings.ToUpper(first.Text))
}

// isStageObject reports whether CREATE/DROP at toks[i] targets a stage or file format.
func isStageObject(toks []Token, i int) bool {
	for j := i; j < len(toks) && j < i+6; j++ {
		switch {
		case toks[j].Is("STAGE"):
			return true
		case toks[j].Is("FILE") && toks[j+1].Is("FORMAT"):
			return true
		case toks[j].Is("OR"), toks[j].Is("REPLACE"), toks[j].Is("TEMPORARY"), toks[j].Is("TEMP"), toks[j].Is("IF"), toks[j].Is("NOT"), toks[j].Is("EXISTS"):
			continue
		default:
			return false
		}
	}
	return false
}

// statusResult is the one-column "status" reply of DDL and session statements.
func statusResult(msg string) *Result {
	return &Result{
		StatementTypeID: StmtDDL,
		Columns:         []Column{{Name: "status", Type: "text", Length: 16777216, Nullable: true}},
		Rows:            [][]*string{{&msg}},
	}
}

func (s *Session) execBegin(toks []Token) (*Result, error) {
	// BEGIN [TRANSACTION|WORK] [NAME x] / START TRANSACTION [NAME x]
	i := 1
	if toks[0].Is("START") {
		if !toks[1].Is("TRANSACTION") {
			return nil, errSyntaxAt(toks[1], "")
		}
		i = 2
	} else if toks[1].Is("TRANSACTION") || toks[1].Is("WORK") {
		i = 2
	}
	name := ""
	if toks[i].Is("NAME") {
		if !isIdentTok(toks[i+1]) {
			return nil, errSyntaxAt(toks[i+1], "; expected a transaction name")
		}
		name = identVal(toks[i+1])
		i += 2
	}
	if toks[i].Kind != TkEOF {
		return nil, errSyntaxAt(toks[i], "")
	}
	// Snowflake ignores BEGIN inside an open transaction; so do we.
	if !s.explicitTxn {
		s.explicitTxn = true
		if name == "" {
			name = newUUID()
		}
		s.setTxn(s.e.nextTxn.Add(1), name)
	}
	return statusResult("Statement executed successfully."), nil
}

func (s *Session) execUse(ctx context.Context, toks []Token) (*Result, error) {
	i := 1
	kind := ""
	switch {
	case toks[1].Is("DATABASE"), toks[1].Is("SCHEMA"):
		kind = toks[1].Val
		i = 2
	case toks[1].Is("ROLE"), toks[1].Is("WAREHOUSE"), toks[1].Is("SECONDARY"):
		return statusResult("Statement executed successfully."), nil
	}
	parts, j, err := parseNameParts(toks, i)
	if err != nil {
		return nil, err
	}
	if toks[j].Kind != TkEOF {
		return nil, errSyntaxAt(toks[j], "")
	}
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case kind == "DATABASE" || (kind == "" && len(parts) == 1):
		if len(parts) != 1 {
			return nil, errSyntaxAt(toks[i], "")
		}
		d := cat.dbs[parts[0]]
		if d == nil {
			return nil, Errorf(ErrObjectNotExists, "02000", "Object does not exist, or operation cannot be performed.")
		}
		s.db = d.name
		s.schema = ""
		if d.schemas["PUBLIC"] != nil {
			s.schema = "PUBLIC"
		}
	default:
		if len(parts) > 2 {
			return nil, errSyntaxAt(toks[i], "")
		}
		db := s.db
		if len(parts) == 2 {
			db = parts[0]
		}
		sch := parts[len(parts)-1]
		if db == "" {
			return nil, Errorf(90105, "22000", "Cannot perform USE SCHEMA. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.")
		}
		d := cat.dbs[db]
		if d == nil || d.schemas[sch] == nil {
			return nil, Errorf(ErrObjectNotExists, "02000", "Object does not exist, or operation cannot be performed.")
		}
		s.db, s.schema = db, sch
	}
	return statusResult("Statement executed successfully."), nil
}

// sessionParam is how ALTER SESSION SET applies a parameter.
func (s *Session) setParam(name, value string) error {
	switch name {
	case "TIMEZONE":
		loc, err := time.LoadLocation(value)
		if err != nil {
			return Errorf(2043, "22023", "invalid value [%s] for parameter 'TIMEZONE'", value)
		}
		s.tz = loc
	case "LOCK_TIMEOUT":
		if _, ok := parseNonNegInt(value); !ok {
			return Errorf(2043, "22023", "invalid value [%s] for parameter 'LOCK_TIMEOUT'", value)
		}
	}
	s.params[name] = value
	return nil
}

func parseNonNegInt(s string) (int, bool) {
	n := 0
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return 0, false
		}
	}
	return n, true
}
