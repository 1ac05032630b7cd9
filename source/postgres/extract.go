package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/internal/every"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
)

// Progress receives running totals (rows and source bytes read) every few seconds.
type Progress = func(rows, bytes int64)

// progressEvery is how often Extract reports progress (the activity heartbeats it).
const progressEvery = 5 * time.Second

// cursorFetchRows is the FETCH size of the cursor path.
const cursorFetchRows = 10_000

// Extract writes the partition's rows into Parquet files in dir (existing, empty).
// The row count is exact: every row decoded is counted, and on the COPY path checked
// against the server's own count.
func (s *Source) Extract(ctx context.Context, req source.ExtractRequest, dir string, progress Progress) (source.ExtractStats, error) {
	var stats source.ExtractStats
	rd, err := s.prepareRead(req)
	if err != nil {
		return stats, err
	}
	fs, err := parquetx.NewFileSet(dir, rd.plans, s.Writer)
	if err != nil {
		return stats, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sk, err := newSink(ctx, rd.plans, req.PartitionBy, fs)
	if err != nil {
		return stats, err
	}
	stopProgress := startProgress(ctx, sk, progress)
	out, err := s.read(ctx, req, rd, sk)
	stats.Warnings, stats.Fingerprint = out.warnings, out.fingerprint
	stopProgress()
	if err != nil {
		sk.abort()
		fs.Abort()
		return stats, err
	}
	if err := sk.finish(); err != nil {
		fs.Abort()
		return stats, err
	}
	files, err := fs.Close()
	if err != nil {
		return stats, err
	}
	stats.Files, stats.Rows = files, sk.rows.Load()
	if fs.Checksummed() { // false only in the benchmark's run without the value checksum
		stats.Checksum = fs.Checksum().String()
	}
	var fileRows int64
	for _, f := range files {
		stats.Bytes += f.Bytes
		fileRows += f.Rows
	}
	if fileRows != stats.Rows {
		return stats, fmt.Errorf("internal: %d rows decoded but %d written to Parquet", stats.Rows, fileRows)
	}
	if progress != nil {
		progress(stats.Rows, sk.bytes.Load())
	}
	return stats, nil
}

// readPlan is what Extract reads for a request: the column plans, the filter as
// configured (for whereError) and the extraction query (partition range, filter and
// watermark window).
type readPlan struct {
	plans []source.ColumnPlan
	where string
	query string
	// fingerprint is the FingerprintSQL of the same rows when the request asked for
	// it and this source computes one; read runs it after the rows, in their snapshot.
	fingerprint string
}

// prepareRead plans Extract's read of req without touching the source. Extract and
// the streamed ChecksumPartition share it, so both read the same rows as the same
// values.
func (s *Source) prepareRead(req source.ExtractRequest) (readPlan, error) {
	d := s.Dialect
	plans := make([]source.ColumnPlan, len(req.Columns))
	for i, c := range req.Columns {
		p, err := d.PlanColumn(c)
		if err != nil {
			return readPlan{}, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		plans[i] = p
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return readPlan{}, err
	}
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return readPlan{}, err
	}
	sqlWhere, err := s.windowWhere(where, req.Columns, req.Window) // the filter and a watermark window
	if err != nil {
		return readPlan{}, err
	}
	rd := readPlan{plans: plans, where: where, query: d.ExtractSQL(req.Source, plans, keys, req.Partition, sqlWhere)}
	if pg, ok := d.(PG); ok && req.Fingerprint && s.FingerprintVersion() != "" {
		rd.fingerprint = pg.FingerprintSQL(req.Source, plans, req.Columns, keys, req.Partition, sqlWhere)
	}
	return rd, nil
}

// readOut is what read returns besides the rows it sent into the sink.
type readOut struct {
	warnings    []string // columns added since introspection (checkColumns)
	fingerprint string   // rd.fingerprint's result; "" when not asked or not supported
}

// read runs rd's query into sk in the dialect's read-only transaction, after locking
// the table against ALTER TABLE and checking its columns against req's (checkColumns:
// its warnings are returned, with or without an error), then rd's fingerprint query
// when there is one: REPEATABLE READ, so it sees exactly the rows sent (and must count
// as many). The caller finishes or aborts sk.
func (s *Source) read(ctx context.Context, req source.ExtractRequest, rd readPlan, sk *sink) (out readOut, err error) {
	d := s.Dialect
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		if err := s.lockTable(ctx, conn, req.Source); err != nil {
			return err
		}
		var err error
		out.warnings, err = s.checkColumns(ctx, conn, req.Source, req.Columns)
		if err != nil {
			return err
		}
		switch d.ExtractMethod() {
		case source.ExtractCopyBinary:
			err = s.copyOut(ctx, conn, rd.query, sk)
		case source.ExtractCursor:
			err = s.cursorOut(ctx, conn, rd.query, sk)
		default:
			err = fmt.Errorf("unknown extract method %d", d.ExtractMethod())
		}
		if err != nil || rd.fingerprint == "" || !fingerprintSupported(conn) {
			return err
		}
		fp, rows, err := fingerprint(ctx, conn, rd.fingerprint)
		if err != nil {
			return fmt.Errorf("fingerprint: %w", err)
		}
		if rows != sk.rows.Load() {
			return fmt.Errorf("fingerprint counted %d rows in the snapshot that sent %d", rows, sk.rows.Load())
		}
		out.fingerprint = fp
		return nil
	})
	return out, whereError(err, rd.where)
}

func (s *Source) copyOut(ctx context.Context, conn *pgx.Conn, query string, sk *sink) error {
	r := &copyReader{s: sk}
	tag, err := conn.PgConn().CopyTo(ctx, r, "COPY ("+query+") TO STDOUT (FORMAT binary)")
	if err != nil {
		return fmt.Errorf("copy out: %w", err)
	}
	if !r.ended {
		return fmt.Errorf("copy out: %w: stream ended without trailer", errCopyFormat)
	}
	if tag.RowsAffected() != sk.rows.Load() {
		return fmt.Errorf("copy out: server sent %d rows, decoded %d", tag.RowsAffected(), sk.rows.Load())
	}
	return nil
}

// cursorOut reads the rows through a server-side cursor in binary result format,
// FETCH by FETCH (Redshift); the field bytes are the same binary format COPY uses.
func (s *Source) cursorOut(ctx context.Context, conn *pgx.Conn, query string, sk *sink) error {
	if _, err := conn.Exec(ctx, "DECLARE snowmigrate_extract CURSOR FOR "+query); err != nil {
		return fmt.Errorf("declare cursor: %w", err)
	}
	fetch := fmt.Sprintf("FETCH FORWARD %d FROM snowmigrate_extract", cursorFetchRows)
	fields := make([][]byte, len(sk.decs))
	for {
		rows, err := conn.Query(ctx, fetch, pgx.QueryResultFormats{pgx.BinaryFormatCode})
		if err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		n := 0
		for rows.Next() {
			n++
			raw := rows.RawValues()
			if len(raw) != len(fields) {
				rows.Close()
				return fmt.Errorf("fetch: row has %d fields, expected %d", len(raw), len(fields))
			}
			size := 0
			for _, f := range raw {
				size += len(f)
			}
			if _, err := sk.ensureArena(size, len(sk.cur.Arena)); err != nil {
				rows.Close()
				return err
			}
			if _, err := sk.roomForRow(size, len(sk.cur.Arena)); err != nil {
				rows.Close()
				return err
			}
			b := sk.cur
			for i, f := range raw {
				if f == nil {
					fields[i] = nil
					continue
				}
				start := len(b.Arena)
				b.Arena = append(b.Arena, f...)
				fields[i] = b.Arena[start:len(b.Arena):len(b.Arena)]
			}
			if err := sk.addRow(fields, size); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		if n < cursorFetchRows {
			break
		}
	}
	if _, err := conn.Exec(ctx, "CLOSE snowmigrate_extract"); err != nil {
		return fmt.Errorf("close cursor: %w", err)
	}
	return nil
}

func startProgress(ctx context.Context, sk *sink, progress Progress) func() {
	if progress == nil {
		return func() {}
	}
	return every.Start(ctx, progressEvery, func() { progress(sk.rows.Load(), sk.bytes.Load()) })
}
