package engine

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// createStage handles CREATE [OR REPLACE] [TEMP] STAGE [IF NOT EXISTS] name [options]
// and CREATE ... FILE FORMAT; the parser stands after CREATE.
func createStageOrFormat(ctx context.Context, h stageHost, p *stageParser) (*Result, error) {
	orReplace := p.accept("OR", "REPLACE")
	p.accept("TEMPORARY")
	p.accept("TEMP")
	p.accept("VOLATILE")
	isFormat := false
	switch {
	case p.accept("STAGE"):
	case p.accept("FILE", "FORMAT"):
		isFormat = true
	default:
		return nil, p.errorf("expected STAGE or FILE FORMAT")
	}
	ifNotExists := p.accept("IF", "NOT", "EXISTS")
	raw, err := p.objectName("stage")
	if err != nil {
		return nil, err
	}
	n, err := h.resolve(raw)
	if err != nil {
		return nil, err
	}
	opts, err := p.parseOptions()
	if err != nil {
		return nil, err
	}
	if !p.atEnd() {
		return nil, p.errorf("unexpected text after the options")
	}
	if ok, err := h.schemaExists(ctx, n.DB, n.Schema); err != nil {
		return nil, err
	} else if !ok {
		return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nSchema '%s.%s' does not exist or not authorized.", n.DB, n.Schema)
	}
	cat, err := stageCatalogFor(h.dataDir())
	if err != nil {
		return nil, err
	}
	if isFormat {
		return createFileFormat(cat, n, opts, orReplace, ifNotExists)
	}
	return createStage(h, cat, n, opts, orReplace, ifNotExists)
}

func createStage(h stageHost, cat *stageCatalog, n objName, opts stageOpts, orReplace, ifNotExists bool) (*Result, error) {
	def := &stageDef{DB: n.DB, Schema: n.Schema, Name: n.Name, Created: time.Now().UTC()}
	for key, v := range opts {
		switch key {
		case "URL":
			if _, err := parseS3URL(v.Str); err != nil {
				return nil, err
			}
			def.URL = v.Str
		case "CREDENTIALS":
			def.AWSKeyID = v.Nested["AWS_KEY_ID"].Str
			def.AWSSecretKey = v.Nested["AWS_SECRET_KEY"].Str
			def.AWSToken = v.Nested["AWS_TOKEN"].Str
			if def.AWSKeyID == "" || def.AWSSecretKey == "" {
				return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: CREDENTIALS needs AWS_KEY_ID and AWS_SECRET_KEY")
			}
		case "FILE_FORMAT":
			if v.Nested == nil && v.Str != "" {
				// FILE_FORMAT = name: a named format.
				def.FileFormat = stageOpts{"FORMAT_NAME": v}
			} else {
				def.FileFormat = v.Nested
			}
		case "COPY_OPTIONS":
			def.CopyOptions = v.Nested
		case "COMMENT":
			def.Comment = v.Str
		case "STORAGE_INTEGRATION", "ENCRYPTION", "DIRECTORY", "TAG", "ENDPOINT":
			// Accepted for compatibility; the emulator has no use for them.
		default:
			return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid property '%s' for CREATE STAGE", key)
		}
	}
	if def.FileFormat != nil {
		if _, err := checkFormatOptions(def.FileFormat); err != nil {
			return nil, err
		}
	}
	if old := cat.getStage(n.DB, n.Schema, n.Name); old != nil {
		switch {
		case ifNotExists:
			return stageStatus(fmt.Sprintf("%s already exists, statement succeeded.", n.Name)), nil
		case !orReplace:
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", n.Name)
		}
		// A replaced internal stage starts empty, as in Snowflake.
		if err := os.RemoveAll(internalStageDir(h.dataDir(), n)); err != nil {
			return nil, fmt.Errorf("replace stage %s: remove old files: %w", n, err)
		}
	}
	if err := cat.putStage(def); err != nil {
		return nil, err
	}
	return stageStatus(fmt.Sprintf("Stage area %s successfully created.", n.Name)), nil
}

func createFileFormat(cat *stageCatalog, n objName, opts stageOpts, orReplace, ifNotExists bool) (*Result, error) {
	if _, ok := opts["TYPE"]; !ok {
		opts["TYPE"] = optVal{Str: "CSV"}
	}
	comment := opts["COMMENT"].Str
	delete(opts, "COMMENT")
	if _, err := checkFormatOptions(opts); err != nil {
		return nil, err
	}
	if cat.getFormat(n.DB, n.Schema, n.Name) != nil {
		switch {
		case ifNotExists:
			return stageStatus(fmt.Sprintf("%s already exists, statement succeeded.", n.Name)), nil
		case !orReplace:
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", n.Name)
		}
	}
	f := &fileFormatDef{DB: n.DB, Schema: n.Schema, Name: n.Name, Options: opts, Comment: comment, Created: time.Now().UTC()}
	if err := cat.putFormat(f); err != nil {
		return nil, err
	}
	return stageStatus(fmt.Sprintf("File format %s successfully created.", n.Name)), nil
}

// dropStageOrFormat handles DROP STAGE / DROP FILE FORMAT; the parser stands after DROP.
func dropStageOrFormat(h stageHost, p *stageParser) (*Result, error) {
	isFormat := false
	switch {
	case p.accept("STAGE"):
	case p.accept("FILE", "FORMAT"):
		isFormat = true
	default:
		return nil, p.errorf("expected STAGE or FILE FORMAT")
	}
	ifExists := p.accept("IF", "EXISTS")
	raw, err := p.objectName("stage")
	if err != nil {
		return nil, err
	}
	if !p.atEnd() {
		return nil, p.errorf("unexpected text")
	}
	n, err := h.resolve(raw)
	if err != nil {
		return nil, err
	}
	cat, err := stageCatalogFor(h.dataDir())
	if err != nil {
		return nil, err
	}
	var dropped bool
	kind := "Stage"
	if isFormat {
		kind = "File format"
		dropped, err = cat.dropFormat(n.DB, n.Schema, n.Name)
	} else {
		dropped, err = cat.dropStage(n.DB, n.Schema, n.Name)
		if dropped {
			if rmErr := os.RemoveAll(internalStageDir(h.dataDir(), n)); rmErr != nil {
				return nil, fmt.Errorf("drop stage %s: remove files: %w", n, rmErr)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if !dropped {
		if ifExists {
			return stageStatus(fmt.Sprintf("Drop statement executed successfully (%s already dropped).", n.Name)), nil
		}
		return nil, notExists(kind, n)
	}
	return stageStatus(fmt.Sprintf("%s successfully dropped.", n.Name)), nil
}

// showStagesOrFormats handles SHOW STAGES / SHOW FILE FORMATS [LIKE 'p'] [IN ...];
// the parser stands after SHOW. Without IN the current database is listed, as in Snowflake.
func showStagesOrFormats(h stageHost, p *stageParser) (*Result, error) {
	p.accept("TERSE")
	isFormat := false
	switch {
	case p.accept("STAGES"):
	case p.accept("FILE", "FORMATS"):
		isFormat = true
	default:
		return nil, p.errorf("expected STAGES or FILE FORMATS")
	}
	like := ""
	if p.accept("LIKE") {
		t := p.next()
		if t.Kind != stString {
			return nil, p.errorf("LIKE needs a 'pattern'")
		}
		like = t.Value
	}
	db, _ := h.current()
	schema := ""
	if p.accept("IN") {
		switch {
		case p.accept("ACCOUNT"):
			db, schema = "", ""
		case p.accept("DATABASE"):
			schema = ""
			if p.peek().Kind == stWord || p.peek().Kind == stQIdent {
				raw, err := p.objectName("database")
				if err != nil {
					return nil, err
				}
				n, err := h.resolve(raw + ".X.X")
				if err != nil {
					return nil, err
				}
				db = n.DB
			}
		default:
			p.accept("SCHEMA")
			raw, err := p.objectName("schema")
			if err != nil {
				return nil, err
			}
			n, err := h.resolve(raw + ".X")
			if err != nil {
				return nil, err
			}
			db, schema = n.DB, n.Schema
		}
	}
	if !p.atEnd() {
		return nil, p.errorf("unexpected text")
	}
	cat, err := stageCatalogFor(h.dataDir())
	if err != nil {
		return nil, err
	}
	match := func(name string) bool { return like == "" || likeMatch(strings.ToLower(like), strings.ToLower(name)) }
	if isFormat {
		res := &Result{StatementTypeID: StmtSelect, Columns: []Column{tsCol("created_on"), textCol("name"),
			textCol("database_name"), textCol("schema_name"), textCol("type"), textCol("owner"),
			textCol("comment"), textCol("format_options"), textCol("owner_role_type")}}
		for _, f := range cat.listFormats(db, schema) {
			if !match(f.Name) {
				continue
			}
			res.Rows = append(res.Rows, []*string{tsCell(f.Created), strp(f.Name), strp(f.DB), strp(f.Schema),
				strp(strings.ToUpper(f.Options["TYPE"].Str)), strp("ACCOUNTADMIN"), strp(f.Comment),
				strp(formatOptionsText(f.Options)), strp("ROLE")})
		}
		return res, nil
	}
	res := &Result{StatementTypeID: StmtSelect, Columns: []Column{tsCol("created_on"), textCol("name"),
		textCol("database_name"), textCol("schema_name"), textCol("url"), textCol("has_credentials"),
		textCol("has_encryption_key"), textCol("owner"), textCol("comment"), textCol("region"),
		textCol("type"), textCol("cloud"), textCol("notification_channel"), textCol("storage_integration"),
		textCol("endpoint"), textCol("owner_role_type"), textCol("directory_enabled")}}
	for _, s := range cat.listStages(db, schema) {
		if !match(s.Name) {
			continue
		}
		typ, cloud, creds := "INTERNAL", (*string)(nil), "N"
		if s.external() {
			typ, cloud = "EXTERNAL", strp("AWS")
			if s.AWSKeyID != "" {
				creds = "Y"
			}
		}
		res.Rows = append(res.Rows, []*string{tsCell(s.Created), strp(s.Name), strp(s.DB), strp(s.Schema),
			strp(s.URL), strp(creds), strp("N"), strp("ACCOUNTADMIN"), strp(s.Comment), nil, strp(typ), cloud,
			nil, nil, nil, strp("ROLE"), strp("N")})
	}
	return res, nil
}

// likeMatch implements SQL LIKE (% and _) on already case-folded strings.
func likeMatch(pattern, s string) bool {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}

// formatOptionsText renders options as Snowflake's SHOW FILE FORMATS JSON-ish text.
func formatOptionsText(o stageOpts) string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := o[k]
		if v.IsList {
			parts = append(parts, fmt.Sprintf("%q:%q", k, v.List))
		} else {
			parts = append(parts, fmt.Sprintf("%q:%q", k, v.Str))
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}
