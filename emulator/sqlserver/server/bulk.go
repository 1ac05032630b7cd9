package server

import (
	"context"
	"strings"

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
	n, err := s.loadRows(ctx, payload)
	if err != nil {
		s.writeErr(err)
		tds.WriteDone(s.w, tds.DoneError, 0, 0)
	} else {
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
	bl, err := tds.ParseBulkLoad(payload)
	if err != nil {
		return 0, tsql.Errf(4815, 1, 16, "Received an invalid column length from the bcp client: %v", err)
	}
	if len(bl.Columns) != len(bt.cols) {
		return 0, tsql.Errf(4815, 1, 16, "Received an invalid column length from the bcp client: %d columns announced, %d sent.", len(bt.cols), len(bl.Columns))
	}
	var names []string
	for _, c := range bt.cols {
		names = append(names, tsql.QuoteIdent(c.Name))
	}
	head := "INSERT INTO " + bt.table.ref() + " (" + strings.Join(names, ", ") + ") VALUES "
	var total int64
	var sb strings.Builder
	flush := func(rows int) error {
		if rows == 0 {
			return nil
		}
		if _, err := s.conn.ExecContext(ctx, sb.String()); err != nil {
			return err
		}
		total += int64(rows)
		sb.Reset()
		return nil
	}
	pending := 0
	for _, row := range bl.Rows {
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
			lit, err := tsql.Literal(v, bl.Columns[i].Type, bt.cols[i].Type)
			if err != nil {
				return total, err
			}
			sb.WriteString(lit)
		}
		sb.WriteString(")")
		pending++
		if pending == 1000 {
			if err := flush(pending); err != nil {
				return total, err
			}
			pending = 0
		}
	}
	return total, flush(pending)
}
