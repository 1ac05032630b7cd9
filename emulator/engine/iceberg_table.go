package engine

import (
	"context"
	"strings"
	"time"
)

// objectString resolves a name given as a string option (EXTERNAL_VOLUME = 'vol',
// CATALOG = 'int'): Snowflake reads it as an identifier, so an unquoted one folds to
// upper case.
func objectString(v string) string {
	if len(v) >= 2 && strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) {
		return strings.ReplaceAll(v[1:len(v)-1], `""`, `"`)
	}
	return strings.ToUpper(v)
}

// icebergUnsupportedTypes are the column types a Snowflake-managed Iceberg table (spec
// v2) cannot hold.
var icebergUnsupportedTypes = map[string]bool{"TIMESTAMP_TZ": true, "VARIANT": true, "OBJECT": true, "ARRAY": true,
	"GEOGRAPHY": true, "GEOMETRY": true}

// checkIcebergCreate checks CREATE ICEBERG TABLE with a column list (a Snowflake-managed
// table) and returns the metadata to store.
func (s *Session) checkIcebergCreate(ctx context.Context, opts map[string]string, defs []colDef) (icebergMeta, error) {
	im := icebergMeta{Catalog: "SNOWFLAKE", Base: opts["BASE_LOCATION"]}
	if c, ok := opts["CATALOG"]; ok && !strings.EqualFold(c, "SNOWFLAKE") {
		return im, Errorf(ErrSyntax, "42601", "SQL compilation error:\nA column list cannot be given for an Iceberg table with CATALOG = '%s': Snowflake reads the columns from the catalog.", c)
	}
	if opts["EXTERNAL_VOLUME"] == "" {
		return im, Errorf(ErrSyntax, "42601", "SQL compilation error:\nICEBERG TABLE requires EXTERNAL_VOLUME = '<volume>' (the emulator has no default external volume)")
	}
	im.Volume = objectString(opts["EXTERNAL_VOLUME"])
	if v, err := s.e.accountObject(ctx, kindVolume, im.Volume); err != nil {
		return im, err
	} else if v == nil {
		return im, errNoAccountObject(kindVolume, im.Volume)
	}
	for _, d := range defs {
		if icebergUnsupportedTypes[d.typ.Base] {
			return im, Errorf(ErrSyntax, "42000", "SQL compilation error:\ndata type %s of column %s is not supported for Iceberg tables", d.typ.Base, d.name)
		}
		// Iceberg's time and timestamp types hold microseconds
		if d.typ.extended() {
			return im, Errorf(ErrSyntax, "42000", "SQL compilation error:\ndata type %s of column %s is not supported for Iceberg tables: the precision of TIME and TIMESTAMP columns is at most 6", d.typ.String(), d.name)
		}
	}
	return im, nil
}

// icebergFromCatalogOptions are the properties of CREATE ICEBERG TABLE … CATALOG = '<integration>'.
var icebergFromCatalogOptions = map[string]bool{"EXTERNAL_VOLUME": true, "CATALOG": true, "CATALOG_TABLE_NAME": true,
	"CATALOG_NAMESPACE": true, "REPLACE_INVALID_CHARACTERS": true, "AUTO_REFRESH": true, "COMMENT": true}

// createIcebergFromCatalog runs CREATE ICEBERG TABLE without a column list: a table of an
// external catalog, read-only (Linked) until ALTER ICEBERG TABLE … CONVERT TO MANAGED.
// The emulator's external catalog: namespace 'D.S' is the emulator's schema D.S, a
// one-part namespace 'S' is schema S of the database named like the integration; the
// table is CATALOG_TABLE_NAME there (as written, else upper case). Its columns and rows
// are copied (the catalog's current snapshot).
func (s *Session) createIcebergFromCatalog(ctx context.Context, toks []Token, describeOnly bool) (*Result, bool, error) {
	h, err := parseCreateHead(toks)
	if err != nil {
		return nil, true, err
	}
	parts, i, err := parseNameParts(toks, h.nameAt)
	if err != nil {
		return nil, true, err
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, true, err
	}
	opts, err := parseOptions(toks, i)
	if err != nil {
		return nil, true, err
	}
	if describeOnly {
		return statusResult(""), true, nil
	}
	cat := opts["CATALOG"]
	if cat == "" || strings.EqualFold(cat, "SNOWFLAKE") {
		return nil, true, Errorf(ErrSyntax, "42601", "SQL compilation error:\nA Snowflake-managed Iceberg table needs a column list (or AS SELECT); to create a table from an external catalog, set CATALOG to a catalog integration.")
	}
	for k := range opts {
		if !icebergFromCatalogOptions[k] {
			return nil, true, Errorf(ErrSyntax, "42000", "SQL compilation error:\ninvalid property '%s' for 'ICEBERG TABLE' with an external catalog", k)
		}
	}
	if opts["EXTERNAL_VOLUME"] == "" {
		return nil, true, Errorf(ErrSyntax, "42601", "SQL compilation error:\nICEBERG TABLE requires EXTERNAL_VOLUME = '<volume>' (the emulator has no default external volume)")
	}
	im := icebergMeta{Volume: objectString(opts["EXTERNAL_VOLUME"]), Catalog: objectString(cat), Linked: true,
		CatalogTable: opts["CATALOG_TABLE_NAME"]}
	if v, err := s.e.accountObject(ctx, kindVolume, im.Volume); err != nil {
		return nil, true, err
	} else if v == nil {
		return nil, true, errNoAccountObject(kindVolume, im.Volume)
	}
	integ, err := s.e.accountObject(ctx, kindIntegration, im.Catalog)
	if err != nil {
		return nil, true, err
	}
	if integ == nil {
		return nil, true, errNoAccountObject(kindIntegration, im.Catalog)
	}
	if integ.Props["ENABLED"] != "TRUE" {
		return nil, true, Errorf(ErrSyntax, "42601", "SQL compilation error:\nIntegration '%s' is disabled.", sfIdent(im.Catalog))
	}
	if integ.Props["CATALOG_SOURCE"] == "OBJECT_STORE" {
		return nil, true, unsupported("ICEBERG TABLE from an OBJECT_STORE catalog integration (METADATA_FILE_PATH)")
	}
	if im.CatalogTable == "" {
		return nil, true, Errorf(ErrSyntax, "42601", "SQL compilation error:\nMissing option(s): [CATALOG_TABLE_NAME]")
	}
	im.Namespace = opts["CATALOG_NAMESPACE"]
	if im.Namespace == "" {
		im.Namespace = integ.Props["CATALOG_NAMESPACE"]
	}
	if im.Namespace == "" {
		return nil, true, Errorf(ErrSyntax, "42601", "SQL compilation error:\nMissing option(s): [CATALOG_NAMESPACE] (set it on the table or on integration %s)", sfIdent(im.Catalog))
	}
	if _, err := s.schemaFor(ctx, n); err != nil {
		return nil, true, err
	}
	c, err := s.e.catalog(ctx)
	if err != nil {
		return nil, true, err
	}
	src := externalCatalogTable(c, im)
	if src == nil {
		return nil, true, Errorf(ErrObjectNotExists, "02000", "SQL execution error:\nTable '%s' was not found in namespace '%s' of catalog integration '%s'.", im.CatalogTable, im.Namespace, sfIdent(im.Catalog))
	}
	if ex := c.lookup(n); ex != nil {
		switch {
		case ex.view:
			return nil, true, wrongKind(n, "VIEW", "TABLE")
		case h.ifNotExists:
			return statusResult(nameFor(n) + " already exists, statement succeeded."), true, nil
		case !h.orReplace:
			return nil, true, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", n.String())
		}
	}
	create := "CREATE TABLE "
	if h.orReplace {
		create = "CREATE OR REPLACE TABLE "
	}
	ref := n.DuckRef()
	if err := s.execDDL(ctx, create+ref+" AS SELECT * FROM "+src.info.DuckRef); err != nil {
		return nil, true, err
	}
	if err := s.setColumnTypes(ctx, ref, src.info.Columns); err != nil {
		return nil, true, err
	}
	meta := objMeta{Kind: "ICEBERG", Created: time.Now().UTC(), Comment: opts["COMMENT"], Iceberg: im.String()}
	if err := s.setTableComment(ctx, ref, false, meta); err != nil {
		return nil, true, err
	}
	return statusResult("Table " + nameFor(n) + " successfully created."), true, nil
}

// externalCatalogTable finds the emulator table that stands for a table of an external
// catalog (see createIcebergFromCatalog).
func externalCatalogTable(c *catalog, im icebergMeta) *tableEntry {
	db, sch := im.Catalog, im.Namespace
	if d, s, ok := strings.Cut(im.Namespace, "."); ok {
		db, sch = d, s
	}
	for _, dn := range []string{db, strings.ToUpper(db)} {
		for _, sn := range []string{sch, strings.ToUpper(sch)} {
			for _, tn := range []string{im.CatalogTable, strings.ToUpper(im.CatalogTable)} {
				if te := c.lookup(ObjectName{Database: dn, Schema: sn, Name: tn}); te != nil && !te.view {
					return te
				}
			}
		}
	}
	return nil
}

// convertToManaged runs ALTER ICEBERG TABLE [IF EXISTS] t CONVERT TO MANAGED
// [BASE_LOCATION | FILE_PATH = '…'] [STORAGE_SERIALIZATION_POLICY = …] [DROP_FROM_SOURCE_CATALOG = …].
func (s *Session) convertToManaged(ctx context.Context, toks []Token) (*Result, error) {
	i := 3
	ifExists := false
	if toks[i].Is("IF") && toks[i+1].Is("EXISTS") {
		ifExists = true
		i += 2
	}
	parts, j, err := parseNameParts(toks, i)
	if err != nil {
		return nil, err
	}
	if !toks[j].Is("CONVERT") || !toks[j+1].Is("TO") || !toks[j+2].Is("MANAGED") {
		return nil, errSyntaxAt(toks[j], "; expected CONVERT TO MANAGED")
	}
	opts, err := parseOptions(toks, j+3)
	if err != nil {
		return nil, err
	}
	for k := range opts {
		switch k {
		case "BASE_LOCATION", "FILE_PATH", "STORAGE_SERIALIZATION_POLICY", "DROP_FROM_SOURCE_CATALOG":
		default:
			return nil, Errorf(ErrSyntax, "42000", "SQL compilation error:\ninvalid property '%s' for 'CONVERT TO MANAGED'", k)
		}
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	if err := s.commitImplicit(); err != nil {
		return nil, err
	}
	c, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	te := c.lookup(n)
	if te == nil || te.view {
		if ifExists {
			return statusResult("Statement executed successfully."), nil
		}
		return nil, errNotExist("table", n)
	}
	im := icebergOf(te.meta)
	if im == nil {
		return nil, wrongKind(n, "TABLE", "ICEBERG TABLE")
	}
	if !im.Linked {
		return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\nIceberg table '%s' already uses Snowflake as its catalog; there is nothing to convert.", n.String())
	}
	base := opts["BASE_LOCATION"]
	if base == "" {
		base = opts["FILE_PATH"]
	}
	if base == "" && im.Base == "" {
		return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\nBASE_LOCATION must be specified to convert Iceberg table '%s': it was created without one.", n.String())
	}
	if base != "" {
		im.Base = base
	}
	im.Linked = false
	m := te.meta
	m.Iceberg = im.String()
	if err := s.setTableComment(ctx, te.info.DuckRef, false, m); err != nil {
		return nil, err
	}
	return statusResult("Statement executed successfully."), nil
}

// errIcebergReadOnly is the refusal of a write to a table still linked to an external
// catalog.
func errIcebergReadOnly(n ObjectName, im *icebergMeta) *Error {
	return Errorf(ErrSyntax, "0A000", "SQL compilation error:\nIceberg table '%s' uses the external catalog integration '%s' and is read-only; convert it with ALTER ICEBERG TABLE … CONVERT TO MANAGED before writing to it.", n.String(), sfIdent(im.Catalog))
}

// refuseLinkedWrite refuses INSERT, UPDATE, DELETE, MERGE and TRUNCATE on a
// catalog-linked Iceberg table; anything it cannot read is left to the statement itself.
func (s *Session) refuseLinkedWrite(ctx context.Context, toks []Token) error {
	i := 1
	switch {
	case toks[0].Is("INSERT"):
		if toks[i].Is("OVERWRITE") {
			i++
		}
		if !toks[i].Is("INTO") {
			return nil
		}
		i++
	case toks[0].Is("DELETE"):
		if !toks[i].Is("FROM") {
			return nil
		}
		i++
	case toks[0].Is("MERGE"):
		if !toks[i].Is("INTO") {
			return nil
		}
		i++
	case toks[0].Is("TRUNCATE"):
		if toks[i].Is("TABLE") {
			i++
		}
		if toks[i].Is("IF") && toks[i+1].Is("EXISTS") {
			i += 2
		}
	}
	parts, _, err := parseNameParts(toks, i)
	if err != nil {
		return nil
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil
	}
	c, err := s.e.catalog(ctx)
	if err != nil {
		return nil
	}
	if te := c.lookup(n); te != nil {
		if im := icebergOf(te.meta); im != nil && im.Linked {
			return errIcebergReadOnly(n, im)
		}
	}
	return nil
}

// showIcebergTables runs SHOW ICEBERG TABLES [LIKE …] [IN …] [STARTS WITH …] [LIMIT n].
func (s *Session) showIcebergTables(ctx context.Context, toks []Token, i int) (*Result, error) {
	sc, err := s.parseShowTail(toks, i)
	if err != nil {
		return nil, err
	}
	c, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	if !sc.account && sc.db == "" {
		return nil, Errorf(90105, "22000", "Cannot perform SHOW ICEBERG TABLES. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.")
	}
	if !sc.account {
		d := c.dbs[sc.db]
		if d == nil {
			return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nDatabase '%s' does not exist or not authorized.", sfIdent(sc.db))
		}
		if sc.sch != "" && d.schemas[sc.sch] == nil {
			return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nSchema '%s.%s' does not exist or not authorized.", sfIdent(sc.db), sfIdent(sc.sch))
		}
	}
	var rows [][]any
	for _, dn := range sortedKeys(c.dbs) {
		if !sc.account && dn != sc.db {
			continue
		}
		d := c.dbs[dn]
		for _, sn := range sortedKeys(d.schemas) {
			if !sc.account && sc.sch != "" && sn != sc.sch {
				continue
			}
			for _, tn := range sortedKeys(d.schemas[sn].tables) {
				te := d.schemas[sn].tables[tn]
				im := icebergOf(te.meta)
				if im == nil || !sc.match(tn) {
					continue
				}
				kind := "MANAGED"
				if im.Linked {
					kind = "UNMANAGED"
				}
				rows = append(rows, []any{te.meta.Created, tn, dn, sn, "ACCOUNTADMIN", im.Catalog, im.Volume, im.CatalogTable,
					im.Namespace, im.Base, te.meta.Comment, kind})
			}
		}
	}
	rows = limitRows(rows, sc.limit)
	return s.goResult([]Column{shTs("created_on"), shText("name"), shText("database_name"), shText("schema_name"), shText("owner"),
		shText("catalog_name"), shText("external_volume_name"), shText("catalog_table_name"), shText("catalog_namespace"),
		shText("base_location"), shText("comment"), shText("iceberg_table_type")}, rows)
}

// describeStage runs DESC[RIBE] STAGE name: one row per property, grouped by
// parent_property as Snowflake does; STAGE_LOCATION.URL is ["<url>"] for an external
// stage and "" for an internal one.
func (s *Session) describeStage(ctx context.Context, toks []Token) (*Result, error) {
	parts, j, err := parseNameParts(toks, 2)
	if err != nil {
		return nil, err
	}
	if toks[j].Kind != TkEOF {
		return nil, errSyntaxAt(toks[j], "")
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	sc, err := stageCatalogFor(s.e.DataDir())
	if err != nil {
		return nil, err
	}
	d := sc.getStage(n.Database, n.Schema, n.Name)
	if d == nil {
		return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nStage '%s' does not exist or not authorized.", n.String())
	}
	var rows [][]any
	ff := d.FileFormat
	if _, ok := ff["TYPE"]; !ok {
		rows = append(rows, []any{"STAGE_FILE_FORMAT", "TYPE", "String", "CSV", "CSV"})
	}
	for _, k := range sortedKeys(ff) {
		rows = append(rows, []any{"STAGE_FILE_FORMAT", k, "String", strings.ToUpper(ff[k].Str), ""})
	}
	for _, k := range sortedKeys(d.CopyOptions) {
		rows = append(rows, []any{"STAGE_COPY_OPTIONS", k, "String", d.CopyOptions[k].Str, ""})
	}
	url := ""
	if d.external() {
		url = `["` + d.URL + `"]`
	}
	rows = append(rows, []any{"STAGE_LOCATION", "URL", "String", url, ""})
	rows = append(rows, []any{"DIRECTORY", "ENABLE", "Boolean", "false", "false"})
	return s.goResult([]Column{shText("parent_property"), shText("property"), shText("property_type"), shText("property_value"), shText("property_default")}, rows)
}
