package server

import (
	"context"
	"database/sql/driver"
	"errors"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/marcboeker/go-duckdb"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// bulkTarget is what INSERT BULK announced for the BulkLoad message that follows.
type bulkTarget struct {
	table *table
	cols  []tsql.ColumnMeta
}

// insertBulk reads go-mssqldb's `INSERT BULK t ([c] type, …) [WITH (…)]`.
func (s *session) insertBulk(st []tsql.Token) error {
	parts, next := tsql.ReadName(st, 2)
	if len(parts) == 0 || next >= len(st) || st[next].Kind != tsql.LParen {
		return tsql.SyntaxNear("BULK")
	}
	db, schema, name := tsql.SplitName(parts)
	t, err := s.resolve(db, schema, name)
	if err != nil {
		return err
	}
	end := matchParen(st, next)
	bt := &bulkTarget{table: t}
	for _, def := range splitTop(st[next+1 : end]) {
		if len(def) == 0 || !def[0].IsName() {
			return tsql.SyntaxNear(",")
		}
		found := false
		for _, c := range t.cols {
			if strings.EqualFold(c.Name, def[0].Val) {
				bt.cols = append(bt.cols, c)
				found = true
			}
		}
		if !found {
			return tsql.Errf(207, 1, 16, "Invalid column name '%s'.", def[0].Val)
		}
	}
	s.bulk = bt
	return nil
}

// bulkLoad inserts the rows of a BulkLoad message into the INSERT BULK target, in
// multi-row INSERTs of typed literals.
func (s *session) bulkLoad(ctx context.Context, payload []byte) {
	s.w.Begin(tds.PacketReply)
	s.txPending = nil
	n, err := s.loadRows(ctx, payload)
	if err != nil {
		s.writeErr(err)
		s.failed(err)
		tds.WriteDone(s.w, tds.DoneError, 0, 0)
	} else {
		s.statementDone()
		tds.WriteDone(s.w, tds.DoneCount, tds.CmdInsert, uint64(n))
	}
	s.w.End()
}

func (s *session) loadRows(ctx context.Context, payload []byte) (int64, error) {
	bt := s.bulk
	s.bulk = nil
	if bt == nil {
		return 0, tsql.Errf(4804, 1, 21, "While reading current row from host, a premature end-of-message was encountered--an incoming data stream was interrupted when the server expected to see more data. (no INSERT BULK before the bulk load)")
	}
	if bt.appendable(s.db) {
		n, err := s.appendRows(ctx, bt, payload)
		if err == nil && s.inTx {
			// kept for a replay after a later failed statement (txlog.go)
			s.txPending = append(s.txPending, txEntry{bulk: bt, payload: payload})
		}
		return n, err
	}
	var names []string
	for _, c := range bt.cols {
		names = append(names, tsql.QuoteIdent(c.Name))
	}
	head := "INSERT INTO " + bt.table.ref() + " (" + strings.Join(names, ", ") + ") VALUES "
	var total int64
	var sb strings.Builder
	pending := 0
	flush := func() error {
		if pending == 0 {
			return nil
		}
		if _, err := s.insert(ctx, bt.table, sb.String()); err != nil {
			return err
		}
		total += int64(pending)
		pending = 0
		sb.Reset()
		return nil
	}
	err := tds.ParseBulkLoad(payload, func(cols []tds.Column, row []any) error {
		if len(cols) != len(bt.cols) {
			return badBulk(len(bt.cols), len(cols))
		}
		if pending == 0 {
			sb.WriteString(head)
		} else {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for i, v := range row {
			if i > 0 {
				sb.WriteString(", ")
			}
			lit, err := tsql.Literal(v, cols[i].Type, bt.cols[i].Type)
			if err != nil {
				return err
			}
			sb.WriteString(lit)
		}
		sb.WriteString(")")
		pending++
		if pending == 1000 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return total, bulkErr(err)
	}
	return total, flush()
}

func badBulk(want, got int) error {
	return tsql.Errf(4815, 1, 16, "Received an invalid column length from the bcp client: %d columns announced, %d sent.", want, got)
}

func bulkErr(err error) error {
	var te *tsql.Error
	if errors.As(err, &te) {
		return err
	}
	if strings.HasPrefix(err.Error(), "tds:") {
		return tsql.Errf(4815, 1, 16, "Received an invalid column length from the bcp client: %v", err)
	}
	return err
}

// appendable reports whether DuckDB's appender can take the rows: every physical column
// of a table in the session's database, in order.
func (bt *bulkTarget) appendable(db string) bool {
	if !strings.EqualFold(bt.table.db, db) || len(bt.cols) != len(bt.table.cols) {
		return false
	}
	for i, c := range bt.table.cols {
		if !strings.EqualFold(c.Name, bt.cols[i].Name) || c.Type.Kind == tds.Variant || c.Type.Identity {
			return false
		}
	}
	return true
}

// appendRows loads through DuckDB's appender, checking what the appender would not:
// integer ranges, decimal precision, lengths.
func (s *session) appendRows(ctx context.Context, bt *bulkTarget, payload []byte) (int64, error) {
	var total int64
	err := s.conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), bt.table.schema, bt.table.name)
		if err != nil {
			return err
		}
		vals := make([]driver.Value, len(bt.cols))
		perr := tds.ParseBulkLoad(payload, func(cols []tds.Column, row []any) error {
			if len(cols) != len(bt.cols) {
				return badBulk(len(bt.cols), len(cols))
			}
			for i, v := range row {
				av, err := appendValue(v, cols[i].Type, bt.cols[i])
				if err != nil {
					return err
				}
				vals[i] = av
			}
			if err := app.AppendRow(vals...); err != nil {
				return err
			}
			total++
			return nil
		})
		cerr := app.Close()
		if perr != nil {
			return perr
		}
		return cerr
	})
	if err != nil {
		return 0, bulkErr(err)
	}
	return total, nil
}

var intRange = map[tds.Kind][2]int64{tds.TinyInt: {0, 255}, tds.SmallInt: {-32768, 32767}, tds.Int: {-2147483648, 2147483647}}

func appendValue(v any, from tds.Type, col tsql.ColumnMeta) (driver.Value, error) {
	t := col.Type
	if v == nil {
		if t.NotNull {
			return nil, tsql.Errf(515, 2, 16, "Cannot insert the value NULL into column '%s'; column does not allow nulls. INSERT fails.", col.Name)
		}
		return nil, nil
	}
	sv, err := tsql.StorageValue(v, from, t)
	if err != nil {
		return nil, err
	}
	overflow := func() error {
		return tsql.Errf(8115, 2, 16, "Arithmetic overflow error converting expression to data type %s.", t.Name())
	}
	switch t.Kind {
	case tds.Bit:
		switch x := sv.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
	case tds.TinyInt, tds.SmallInt, tds.Int, tds.BigInt:
		n, ok := sv.(int64)
		if !ok {
			break
		}
		if r, limited := intRange[t.Kind]; limited && (n < r[0] || n > r[1]) {
			return nil, overflow()
		}
		switch t.Kind {
		case tds.TinyInt:
			return uint8(n), nil
		case tds.SmallInt:
			return int16(n), nil
		case tds.Int:
			return int32(n), nil
		}
		return n, nil
	case tds.Decimal, tds.Numeric, tds.Money, tds.SmallMoney:
		var d tds.Dec
		switch x := v.(type) {
		case tds.Dec:
			d = x
		case int64:
			d = tds.Dec{Unscaled: big.NewInt(x)}
		case string:
			if d, err = tds.ParseDecimal(x); err != nil {
				return nil, tsql.Errf(8114, 5, 16, "Error converting data type nvarchar to numeric.")
			}
		default:
			return nil, tsql.Errf(8114, 5, 16, "Error converting data type %T to numeric.", v)
		}
		d = d.Rescale(t.Scale)
		if d.Digits() > t.Prec {
			return nil, overflow()
		}
		if t.Prec <= 18 {
			return d.Unscaled.Int64(), nil
		}
		return d.Unscaled, nil
	case tds.Real:
		if f, ok := sv.(float64); ok {
			return float32(f), nil
		}
	case tds.Float:
		if f, ok := sv.(float64); ok {
			return f, nil
		}
	case tds.UniqueIdentifier:
		switch x := v.(type) {
		case [16]byte:
			return duckdb.UUID(x), nil
		case string:
			g, err := tds.ParseGUID(x)
			if err != nil {
				return nil, tsql.Errf(8169, 2, 16, "Conversion failed when converting from a character string to uniqueidentifier.")
			}
			return duckdb.UUID(g), nil
		}
	case tds.Binary, tds.VarBinary, tds.Image, tds.RowVersion:
		if b, ok := sv.([]byte); ok {
			if t.Len > 0 && len(b) > t.Len {
				return nil, tsql.Errf(2628, 1, 16, "String or binary data would be truncated in table, column '%s'.", col.Name)
			}
			return b, nil
		}
	default:
		if str, ok := sv.(string); ok {
			if t.IsChar() && t.Len > 0 && utf8.RuneCountInString(strings.TrimRight(str, " ")) > t.Len {
				return nil, tsql.Errf(2628, 1, 16, "String or binary data would be truncated in table, column '%s'. Truncated value: '%s'.", col.Name, string([]rune(str)[:t.Len]))
			}
			return str, nil
		}
	}
	return nil, tsql.Errf(245, 1, 16, "Conversion failed when converting a %T value to data type %s in column '%s'.", v, t.Name(), col.Name)
}
