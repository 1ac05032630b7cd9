package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// Iceberg tables, external volumes and catalog integrations.
//
// Storage stays DuckDB: an Iceberg table is a DuckDB table whose comment says ICEBERG and
// carries icebergMeta; no Iceberg data or metadata file is written anywhere. External
// volumes and catalog integrations are account objects kept in main.sf_account_objects.
// The emulator has no external catalog service: a catalog integration's tables are the
// emulator's own tables in the integration's namespace (docs/sql.md, "Iceberg").

// icebergMeta is the Iceberg part of a table's objMeta (JSON in objMeta.Iceberg).
type icebergMeta struct {
	Volume       string `json:"v,omitempty"`
	Base         string `json:"b,omitempty"`
	Catalog      string `json:"c,omitempty"` // SNOWFLAKE or the catalog integration
	CatalogTable string `json:"t,omitempty"`
	Namespace    string `json:"n,omitempty"`
	Linked       bool   `json:"l,omitempty"` // still read from the external catalog (read-only)
}

// icebergOf reads a table's Iceberg metadata; nil for a table that is not Iceberg. Tables
// created before this metadata was JSON stored "volume|base".
func icebergOf(m objMeta) *icebergMeta {
	if m.Kind != "ICEBERG" {
		return nil
	}
	im := &icebergMeta{Catalog: "SNOWFLAKE"}
	if strings.HasPrefix(m.Iceberg, "{") {
		_ = json.Unmarshal([]byte(m.Iceberg), im)
		return im
	}
	im.Volume, im.Base, _ = strings.Cut(m.Iceberg, "|")
	return im
}

func (im icebergMeta) String() string {
	b, _ := json.Marshal(im)
	return string(b)
}

// Account objects -----------------------------------------------------------------

const (
	kindVolume      = "EXTERNAL VOLUME"
	kindIntegration = "CATALOG INTEGRATION"
)

type accountObject struct {
	Kind, Name string
	Props      map[string]string
	Created    time.Time
}

func (e *Engine) ensureAccountObjects(ctx context.Context) error {
	_, err := e.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS main.sf_account_objects(kind VARCHAR, name VARCHAR, props VARCHAR, created TIMESTAMPTZ, PRIMARY KEY (kind, name))`)
	return err
}

func (e *Engine) accountObjects(ctx context.Context, kind string) ([]accountObject, error) {
	if err := e.ensureAccountObjects(ctx); err != nil {
		return nil, err
	}
	rows, err := e.db.QueryContext(ctx, `SELECT name, props, created FROM main.sf_account_objects WHERE kind = ? ORDER BY name`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accountObject
	for rows.Next() {
		o := accountObject{Kind: kind}
		var props string
		var created sql.NullTime
		if err := rows.Scan(&o.Name, &props, &created); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(props), &o.Props)
		o.Created = created.Time
		out = append(out, o)
	}
	return out, rows.Err()
}

func (e *Engine) accountObject(ctx context.Context, kind, name string) (*accountObject, error) {
	all, err := e.accountObjects(ctx, kind)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Name == name {
			return &all[i], nil
		}
	}
	return nil, nil
}

// objectLabel is how Snowflake names the kind in "does not exist" messages.
func objectLabel(kind string) string {
	if kind == kindVolume {
		return "External volume"
	}
	return "Integration"
}

func errNoAccountObject(kind, name string) *Error {
	return Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\n%s '%s' does not exist or not authorized.", objectLabel(kind), sfIdent(name))
}

// Dispatch ------------------------------------------------------------------------

// execIceberg runs the statements this file owns; ok is false for any other statement.
// The dispatcher has already committed and taken the DDL lock for CREATE/DROP/ALTER.
func (s *Session) execIceberg(ctx context.Context, toks []Token, describeOnly bool) (res *Result, ok bool, err error) {
	first := toks[0]
	switch {
	case first.Is("CREATE"):
		h, herr := parseCreateHeadObject(toks)
		if herr != nil || h.kind == "" {
			if h.kind == "ICEBERG" {
				return s.createIcebergFromCatalog(ctx, toks, describeOnly)
			}
			return nil, false, nil
		}
		if describeOnly {
			return statusResult(""), true, nil
		}
		r, err := s.createAccountObject(ctx, toks, h)
		return r, true, err
	case first.Is("DROP"):
		kind, i := accountKindAt(toks, 1)
		if kind == "" {
			return nil, false, nil
		}
		if describeOnly {
			return statusResult(""), true, nil
		}
		r, err := s.dropAccountObject(ctx, toks, kind, i)
		return r, true, err
	case first.Is("SHOW"):
		i := 1
		if toks[i].Is("TERSE") {
			i++
		}
		switch {
		case toks[i].Is("ICEBERG") && toks[i+1].Is("TABLES"):
			r, err := s.showIcebergTables(ctx, toks, i+2)
			return r, true, err
		case toks[i].Is("EXTERNAL") && toks[i+1].Is("VOLUMES"):
			r, err := s.showAccountObjects(ctx, toks, kindVolume, i+2)
			return r, true, err
		case toks[i].Is("CATALOG") && toks[i+1].Is("INTEGRATIONS"):
			r, err := s.showAccountObjects(ctx, toks, kindIntegration, i+2)
			return r, true, err
		}
	case first.Is("DESC") || first.Is("DESCRIBE"):
		if toks[1].Is("STAGE") {
			r, err := s.describeStage(ctx, toks)
			return r, true, err
		}
		if kind, i := accountKindAt(toks, 1); kind != "" {
			r, err := s.describeAccountObject(ctx, toks, kind, i)
			return r, true, err
		}
	case first.Is("ALTER"):
		if toks[1].Is("ICEBERG") && toks[2].Is("TABLE") && findTop(toks, 3, stmtEnd(toks), "CONVERT") >= 0 {
			if describeOnly {
				return statusResult(""), true, nil
			}
			r, err := s.convertToManaged(ctx, toks)
			return r, true, err
		}
	case first.Is("INSERT"), first.Is("UPDATE"), first.Is("DELETE"), first.Is("MERGE"), first.Is("TRUNCATE"):
		if err := s.refuseLinkedWrite(ctx, toks); err != nil {
			return nil, true, err
		}
	}
	return nil, false, nil
}

// accountKindAt recognizes EXTERNAL VOLUME / CATALOG INTEGRATION at toks[i].
func accountKindAt(toks []Token, i int) (string, int) {
	switch {
	case toks[i].Is("EXTERNAL") && toks[i+1].Is("VOLUME"):
		return kindVolume, i + 2
	case toks[i].Is("CATALOG") && toks[i+1].Is("INTEGRATION"):
		return kindIntegration, i + 2
	}
	return "", i
}

// parseCreateHeadObject parses CREATE [OR REPLACE] <kind> [IF NOT EXISTS] for the account
// objects (kind set) and reports ICEBERG TABLE without a column list (kind "ICEBERG",
// error set so the caller does not treat it as an account object).
func parseCreateHeadObject(toks []Token) (createHead, error) {
	h := createHead{}
	i := 1
	if toks[i].Is("OR") && toks[i+1].Is("REPLACE") {
		h.orReplace = true
		i += 2
	}
	kind, j := accountKindAt(toks, i)
	if kind == "" {
		if toks[i].Is("ICEBERG") && toks[i+1].Is("TABLE") {
			k := i + 2
			if toks[k].Is("IF") && toks[k+1].Is("NOT") && toks[k+2].Is("EXISTS") {
				k += 3
			}
			if _, after, err := parseNameParts(toks, k); err == nil && !toks[after].IsOp("(") && !toks[after].Is("AS") &&
				!toks[after].Is("LIKE") && !toks[after].Is("CLONE") {
				return createHead{kind: "ICEBERG"}, errSyntaxAt(toks[i], "")
			}
		}
		return h, nil
	}
	h.kind = kind
	if toks[j].Is("IF") && toks[j+1].Is("NOT") && toks[j+2].Is("EXISTS") {
		h.ifNotExists = true
		j += 3
	}
	h.nameAt = j
	return h, nil
}

// accountName reads a one-part object name.
func accountName(toks []Token, i int) (string, int, error) {
	parts, j, err := parseNameParts(toks, i)
	if err != nil {
		return "", i, err
	}
	if len(parts) != 1 {
		return "", i, errSyntaxAt(toks[i], "; an account object's name has one part")
	}
	return parts[0], j, nil
}

// createAccountObject runs CREATE EXTERNAL VOLUME / CREATE CATALOG INTEGRATION. Options
// are stored as given; the ones Snowflake requires are checked.
func (s *Session) createAccountObject(ctx context.Context, toks []Token, h createHead) (*Result, error) {
	name, j, err := accountName(toks, h.nameAt)
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(toks, j)
	if err != nil {
		return nil, err
	}
	props := map[string]string{}
	for k, v := range opts {
		props[k] = v
	}
	switch h.kind {
	case kindVolume:
		if _, ok := opts["STORAGE_LOCATIONS"]; !ok {
			return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\nMissing option(s): [STORAGE_LOCATIONS]")
		}
		for k := j; toks[k].Kind != TkEOF; k++ {
			if toks[k].Is("STORAGE_BASE_URL") && toks[k+1].IsOp("=") && toks[k+2].Kind == TkString {
				props["STORAGE_BASE_URL"] = toks[k+2].Val
				break
			}
		}
	case kindIntegration:
		var missing []string
		for _, k := range []string{"CATALOG_SOURCE", "TABLE_FORMAT", "ENABLED"} {
			if opts[k] == "" {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\nMissing option(s): [%s]", strings.Join(missing, ", "))
		}
		if !strings.EqualFold(opts["TABLE_FORMAT"], "ICEBERG") {
			return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid value [%s] for parameter 'TABLE_FORMAT'", opts["TABLE_FORMAT"])
		}
		props["CATALOG_SOURCE"] = strings.ToUpper(opts["CATALOG_SOURCE"])
		props["ENABLED"] = strings.ToUpper(opts["ENABLED"])
	}
	ex, err := s.e.accountObject(ctx, h.kind, name)
	if err != nil {
		return nil, err
	}
	if ex != nil {
		switch {
		case h.ifNotExists:
			return statusResult(sfIdent(name) + " already exists, statement succeeded."), nil
		case !h.orReplace:
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", sfIdent(name))
		}
	}
	b, _ := json.Marshal(props)
	if _, err := s.e.db.ExecContext(ctx, `INSERT OR REPLACE INTO main.sf_account_objects VALUES (?, ?, ?, ?)`, h.kind, name, string(b), time.Now().UTC()); err != nil {
		return nil, err
	}
	if h.kind == kindVolume {
		return statusResult("External volume " + sfIdent(name) + " successfully created."), nil
	}
	return statusResult("Integration " + sfIdent(name) + " successfully created."), nil
}

func (s *Session) dropAccountObject(ctx context.Context, toks []Token, kind string, i int) (*Result, error) {
	ifExists := false
	if toks[i].Is("IF") && toks[i+1].Is("EXISTS") {
		ifExists = true
		i += 2
	}
	name, j, err := accountName(toks, i)
	if err != nil {
		return nil, err
	}
	if toks[j].Kind != TkEOF {
		return nil, errSyntaxAt(toks[j], "")
	}
	ex, err := s.e.accountObject(ctx, kind, name)
	if err != nil {
		return nil, err
	}
	if ex == nil {
		if ifExists {
			return statusResult("Drop statement executed successfully (" + sfIdent(name) + " already dropped)."), nil
		}
		return nil, errNoAccountObject(kind, name)
	}
	if _, err := s.e.db.ExecContext(ctx, `DELETE FROM main.sf_account_objects WHERE kind = ? AND name = ?`, kind, name); err != nil {
		return nil, err
	}
	return statusResult(sfIdent(name) + " successfully dropped."), nil
}

func (s *Session) showAccountObjects(ctx context.Context, toks []Token, kind string, i int) (*Result, error) {
	sc, err := s.parseShowTail(toks, i)
	if err != nil {
		return nil, err
	}
	objs, err := s.e.accountObjects(ctx, kind)
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for _, o := range objs {
		if !sc.match(o.Name) {
			continue
		}
		if kind == kindVolume {
			rows = append(rows, []any{o.Created, o.Name, boolText(!strings.EqualFold(o.Props["ALLOW_WRITES"], "FALSE")), o.Props["COMMENT"]})
		} else {
			rows = append(rows, []any{o.Name, "CATALOG", "CATALOG", boolText(o.Props["ENABLED"] == "TRUE"), o.Props["COMMENT"], o.Created})
		}
	}
	rows = limitRows(rows, sc.limit)
	if kind == kindVolume {
		return s.goResult([]Column{shTs("created_on"), shText("name"), shText("allow_writes"), shText("comment")}, rows)
	}
	return s.goResult([]Column{shText("name"), shText("type"), shText("category"), shText("enabled"), shText("comment"), shTs("created_on")}, rows)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (s *Session) describeAccountObject(ctx context.Context, toks []Token, kind string, i int) (*Result, error) {
	name, j, err := accountName(toks, i)
	if err != nil {
		return nil, err
	}
	if toks[j].Kind != TkEOF {
		return nil, errSyntaxAt(toks[j], "")
	}
	o, err := s.e.accountObject(ctx, kind, name)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, errNoAccountObject(kind, name)
	}
	var rows [][]any
	for _, k := range sortedKeys(o.Props) {
		v := o.Props[k]
		if v == "(…)" {
			continue
		}
		if kind == kindVolume {
			rows = append(rows, []any{"", k, "String", v, ""})
		} else {
			rows = append(rows, []any{k, "String", v, ""})
		}
	}
	if kind == kindVolume {
		return s.goResult([]Column{shText("parent_property"), shText("property"), shText("property_type"), shText("property_value"), shText("property_default")}, rows)
	}
	return s.goResult([]Column{shText("property"), shText("property_type"), shText("property_value"), shText("property_default")}, rows)
}
