package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
)

// textLength is Snowflake's default VARCHAR length, sent when the engine gives none.
const textLength = 16777216

// encodeResult turns an engine result into the query reply's data, guarding the
// shapes that crash the driver: a result without columns (it reads rowtype[0]) and a
// DML result without a first row or with NULL counts (it parses rowset[0][i]).
func encodeResult(res *engine.Result, queryID string, names CurrentNamer, numBinds int) queryData {
	cols := res.Columns
	rows := res.Rows
	if len(cols) == 0 && isDML(res.StatementTypeID) {
		cols = []engine.Column{{Name: "number of rows affected", Type: "fixed", Precision: 19}}
		rows = nil
	} else if len(cols) == 0 {
		cols = []engine.Column{{Name: "status", Type: "text", Length: textLength}}
		ok := "Statement executed successfully."
		rows = [][]*string{{&ok}}
	}
	if isDML(res.StatementTypeID) {
		if len(rows) == 0 {
			rows = [][]*string{make([]*string, len(cols))}
		}
		first := make([]*string, len(cols))
		copy(first, rows[0])
		for i, c := range first {
			if c == nil {
				zero := "0"
				first[i] = &zero
			}
		}
		rows = append([][]*string{first}, rows[1:]...)
	}
	rt := make([]rowType, len(cols))
	for i, c := range cols {
		rt[i] = rowType{
			Name:      c.Name,
			Type:      strings.ToLower(c.Type),
			Precision: c.Precision,
			Scale:     c.Scale,
			Length:    c.Length,
			Nullable:  c.Nullable,
		}
		if rt[i].Type == "text" && rt[i].Length == 0 {
			rt[i].Length = textLength
		}
		if rt[i].Type == "text" || rt[i].Type == "binary" {
			rt[i].ByteLength = rt[i].Length
		}
	}
	// Every row must have exactly one cell per column: the driver indexes by column.
	fixed := rows
	for i, r := range rows {
		if len(r) != len(cols) {
			if sameSlice(fixed, rows) {
				fixed = append([][]*string(nil), rows...)
			}
			nr := make([]*string, len(cols))
			copy(nr, r)
			fixed[i] = nr
		}
	}
	if fixed == nil {
		fixed = [][]*string{}
	}
	d := queryData{
		Parameters:         []nameValue{},
		RowType:            rt,
		RowSet:             fixed,
		Total:              int64(len(fixed)),
		Returned:           int64(len(fixed)),
		QueryID:            queryID,
		SQLState:           "00000",
		FinalWarehouseName: "",
		NumberOfBinds:      numBinds,
		StatementTypeID:    res.StatementTypeID,
		Version:            1,
		QueryResultFormat:  "json",
	}
	if names != nil {
		d.FinalDatabaseName = strPtr(names.CurrentDatabase())
		d.FinalSchemaName = strPtr(names.CurrentSchema())
	}
	return d
}

func sameSlice(a, b [][]*string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func isDML(t int64) bool { return t >= 0x3000 && t <= 0x3500 }

// encodeUpload is the PUT reply: the driver writes the files into Location itself.
func encodeUpload(u *engine.UploadInfo, queryID string) uploadData {
	comp := u.SourceCompression
	if comp == "" {
		comp = "auto_detect" // an empty value makes the driver fail with 264007
	}
	par := u.Parallel
	if par <= 0 {
		par = 4
	}
	loc := u.Location
	if loc != "" && !strings.HasSuffix(loc, "/") {
		loc += "/"
	}
	return uploadData{
		QueryID:           queryID,
		SQLState:          "00000",
		Command:           "UPLOAD",
		Operation:         "Node",
		SrcLocations:      u.SrcLocations,
		Parallel:          par,
		Threshold:         200 << 20,
		AutoCompress:      u.AutoCompress,
		Overwrite:         u.Overwrite,
		SourceCompression: comp,
		StageInfo: stageInfo{
			LocationType: "LOCAL_FS",
			Location:     loc,
			Creds:        map[string]any{},
		},
	}
}

// sqlFailure maps an Execute error to the reply and the monitoring error code. An
// *engine.Error keeps its number and state; a cancelled statement is 000604; any
// other error is an engine bug, reported as ErrInternal — all with HTTP 200.
func sqlFailure(ctx context.Context, err error, queryID string) (r reply, code, msg string) {
	var ee *engine.Error
	switch {
	case errors.As(err, &ee):
		code = fmt.Sprintf("%06d", ee.Number)
		state := ee.SQLState
		if state == "" {
			state = "42000"
		}
		return failure(code, state, ee.Message, queryID), code, ee.Message
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		msg = "SQL execution canceled"
		return failure(codeCanceled, "57014", msg, queryID), codeCanceled, msg
	default:
		msg = "internal error in the emulator's SQL engine: " + err.Error()
		return failure(errInternalCode, "XX000", msg, queryID), errInternalCode, msg
	}
}
