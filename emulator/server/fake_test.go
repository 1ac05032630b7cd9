package server

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
)

// fakeBackend is a scripted engine: statements are recognised by prefix.
type fakeBackend struct {
	executed atomic.Int64 // statements actually executed (not replays)
}

func (f *fakeBackend) NewSession(ctx context.Context, database, schema string) (Session, error) {
	return &fakeSession{b: f, db: strings.ToUpper(database), schema: strings.ToUpper(schema)}, nil
}

type fakeSession struct {
	b          *fakeBackend
	db, schema string
	closed     bool
}

func str(s string) *string { return &s }

func (s *fakeSession) Execute(ctx context.Context, sqlText string, binds map[string]engine.Bind, describeOnly bool) (*engine.Result, error) {
	s.b.executed.Add(1)
	up := strings.ToUpper(strings.TrimSpace(sqlText))
	switch {
	case strings.HasPrefix(up, "SELECT 1"):
		return &engine.Result{StatementTypeID: engine.StmtSelect,
			Columns: []engine.Column{{Name: "1", Type: "fixed", Precision: 1}},
			Rows:    [][]*string{{str("1")}}}, nil
	case strings.HasPrefix(up, "ECHO"):
		cols := []engine.Column{}
		row := []*string{}
		for i := 1; i <= len(binds); i++ {
			b := binds[itoa(i)]
			cols = append(cols, engine.Column{Name: "B" + itoa(i), Type: "text"})
			if v, ok := b.Value.(string); ok {
				row = append(row, str(b.Type+":"+v))
			} else {
				row = append(row, nil)
			}
		}
		if describeOnly {
			return &engine.Result{StatementTypeID: engine.StmtSelect, Columns: cols, Rows: nil}, nil
		}
		return &engine.Result{StatementTypeID: engine.StmtSelect, Columns: cols, Rows: [][]*string{row}}, nil
	case strings.HasPrefix(up, "INSERT"):
		return &engine.Result{StatementTypeID: engine.StmtInsert}, nil // no rows: the server must add one
	case strings.HasPrefix(up, "USE"):
		s.db = strings.TrimSpace(up[3:])
		return &engine.Result{StatementTypeID: engine.StmtDDL}, nil
	case strings.HasPrefix(up, "SLEEP"):
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
			return &engine.Result{StatementTypeID: engine.StmtSelect,
				Columns: []engine.Column{{Name: "X", Type: "text"}}, Rows: [][]*string{{str("slept")}}}, nil
		}
	case strings.HasPrefix(up, "PANIC"):
		panic("engine bug")
	case strings.HasPrefix(up, "PLAINERR"):
		return nil, context.DeadlineExceeded
	case strings.HasPrefix(up, "PUT"):
		return &engine.Result{Upload: &engine.UploadInfo{SrcLocations: []string{"/tmp/x.csv"}, Location: "/data/stage", AutoCompress: true}}, nil
	}
	return nil, engine.Errorf(engine.ErrObjectNotExists, "42S02", "Object '%s' does not exist or not authorized.", up)
}

func (s *fakeSession) Close() error            { s.closed = true; return nil }
func (s *fakeSession) CurrentDatabase() string { return s.db }
func (s *fakeSession) CurrentSchema() string   { return s.schema }

func itoa(i int) string { return strconv.Itoa(i) }
