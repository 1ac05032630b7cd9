package engine

import (
	"context"
	"database/sql"
	"errors"
)

// sessionHost gives the stage statements the session's names, catalog and transaction.
type sessionHost struct {
	s   *Session
	ctx context.Context
}

func (h sessionHost) dataDir() string    { return h.s.e.DataDir() }
func (h sessionHost) s3Endpoint() string { return h.s.e.Options().S3Endpoint }
func (h sessionHost) current() (string, string) {
	return h.s.db, h.s.schema
}

func (h sessionHost) resolve(raw string) (objName, error) {
	n, err := h.s.resolveName(raw)
	if err != nil {
		return objName{}, err
	}
	return objName{DB: n.Database, Schema: n.Schema, Name: n.Name}, nil
}

func (h sessionHost) schemaExists(ctx context.Context, db, schema string) (bool, error) {
	cat, err := h.s.e.catalog(ctx)
	if err != nil {
		return false, err
	}
	d := cat.dbs[db]
	return d != nil && d.schemas[schema] != nil, nil
}

func (h sessionHost) table(ctx context.Context, n objName) (*copyTable, error) {
	on := ObjectName{Database: n.DB, Schema: n.Schema, Name: n.Name}
	info, err := h.s.tableInfo(ctx, on)
	if err != nil {
		var se *Error
		if errors.As(err, &se) && se.Number == ErrObjectNotExists {
			return nil, nil
		}
		return nil, err
	}
	t := &copyTable{Name: n, Ref: info.DuckRef, DuckSchema: on.DuckSchema(), DuckTable: enc(n.Name)}
	if cat, err := h.s.e.catalog(ctx); err == nil {
		if te := cat.lookup(on); te != nil {
			t.Iceberg = icebergOf(te.meta)
		}
	}
	for _, c := range info.Columns {
		t.Columns = append(t.Columns, copyColumn{Name: c.Name, Duck: c.DuckName, DuckType: c.DuckType,
			SFType: c.SFType, NotNull: !c.Nullable})
	}
	return t, nil
}

func (h sessionHost) beginLoad(ctx context.Context, duckRef string, files []string) error {
	return h.s.loadInto(ctx, duckRef, files)
}

func (h sessionHost) exec(ctx context.Context, q string, args ...any) (int64, error) {
	return h.s.execDuck(ctx, q, args...)
}

func (h sessionHost) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return h.s.queryDuck(ctx, q, args...)
}

// translateExpr is Session.translateExpr plus whether the result is a VARIANT (stored
// as JSON text), which COPY must not JSON-encode a second time.
func (h sessionHost) translateExpr(expr string) (string, bool, error) {
	toks, err := lex(expr)
	if err != nil {
		return "", false, err
	}
	t, err := h.s.newTranslator(h.ctx, toks, nil)
	if err != nil {
		return "", false, err
	}
	t.allowColRef = true
	out, p, err := t.exprRange(0, len(toks)-1)
	if err != nil {
		return "", false, err
	}
	variant := p != nil && p.hint != nil && isVariantType(p.hint.Base)
	if p != nil && p.ext != "" {
		out = p.ext // every digit and the offset (ext.go)
	}
	return out, variant, nil
}

// offsetMinutes is the session's UTC offset (COPY's text without an offset).
func (h sessionHost) offsetMinutes() int {
	return h.s.offsetSeconds() / 60
}
