package redshift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/parquet-go/parquet-go"
)

// runUnload runs an UNLOAD sent as a simple Query: it waits for the backend to be idle,
// runs the SELECT on the session's own backend connection (so it sees the session's
// transaction), writes the Parquet files and manifest, and answers the client.
func (ss *session) runUnload(spec *unloadSpec) {
	for ss.pendingRFQ > 0 {
		fe, ok := <-ss.fromBackend
		if !ok || fe.err != nil {
			return
		}
		if ss.relayBackend(fe.f) != nil {
			return
		}
	}
	_ = ss.cw.Flush()
	ctx, cancel := context.WithTimeout(ss.srv.ctx, 24*time.Hour)
	defer cancel()
	if r := ss.unload(ctx, spec); r != nil {
		ss.srv.cfg.Logger.Printf("UNLOAD to s3://%s/%s failed: %s", spec.Bucket, spec.Prefix, r.Message)
		ss.pendingRFQ++
		b, _ := (&pgproto3.Query{String: ss.marker(r)}).Encode(nil)
		_, _ = ss.bw.Write(b)
		_ = ss.bw.Flush()
		return
	}
	_ = writeMsg(ss.cw, &pgproto3.CommandComplete{CommandTag: []byte("UNLOAD")})
	_ = writeMsg(ss.cw, &pgproto3.ReadyForQuery{TxStatus: ss.txStatus})
	_ = ss.cw.Flush()
}

// s3Client builds the client for one UNLOAD: the statement's own keys when it gave
// some, the emulator's otherwise (IAM_ROLE).
func (s *Server) s3Client(spec *unloadSpec) (*s3.Client, *refusal) {
	if s.cfg.S3Endpoint == "" {
		return nil, &refusal{Code: "XX000", Message: "the local Redshift was started without --s3-endpoint: UNLOAD has nowhere to write"}
	}
	ak, sk, tok := s.cfg.S3AccessKey, s.cfg.S3SecretKey, ""
	if spec.AccessKey != "" {
		ak, sk, tok = spec.AccessKey, spec.SecretKey, spec.SessionToken
	}
	ep := s.cfg.S3Endpoint
	if !strings.Contains(ep, "://") {
		ep = "http://" + ep
	}
	return s3.New(s3.Options{
		BaseEndpoint:     aws.String(ep),
		UsePathStyle:     true,
		Region:           s.cfg.S3Region,
		Credentials:      credentials.NewStaticCredentialsProvider(ak, sk, tok),
		RetryMaxAttempts: 3,
	}), nil
}

func s3Refusal(op string, err error) *refusal {
	var nb *s3types.NoSuchBucket
	if errors.As(err, &nb) {
		return &refusal{Code: "XX000", Message: "S3ServiceException:The specified bucket does not exist,Status 404,Error NoSuchBucket"}
	}
	msg := err.Error()
	if i := strings.Index(msg, "api error "); i >= 0 {
		msg = msg[i+len("api error "):]
	}
	return &refusal{Code: "XX000", Message: "S3ServiceException:" + op + ": " + msg}
}

const unloadStatement = "rs_emulator_unload"

// unloadColumn is one result column and how it becomes Parquet.
type unloadColumn struct {
	name     string
	oid      uint32 // the base type (domains resolved)
	typname  string // Redshift's name for the manifest
	typmod   int32
	format   int16 // requested result format
	node     parquet.Node
	convert  func(src []byte) (parquet.Value, error)
	manifest map[string]any
}

func (ss *session) unload(ctx context.Context, spec *unloadSpec) *refusal {
	cli, r := ss.srv.s3Client(spec)
	if r != nil {
		return r
	}
	// the destination must be empty unless ALLOWOVERWRITE; CLEANPATH empties it first
	if spec.CleanPath {
		if r := cleanPrefix(ctx, cli, spec.Bucket, spec.Prefix); r != nil {
			return r
		}
	} else {
		out, err := cli.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &spec.Bucket, Prefix: &spec.Prefix, MaxKeys: aws.Int32(1)})
		if err != nil {
			return s3Refusal("ListObjectsV2", err)
		}
		if len(out.Contents) > 0 && !spec.AllowOverwrite {
			return &refusal{Code: "XX000", Message: "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option."}
		}
	}
	// describe the query
	// a named statement: the type lookup below (a simple Query) replaces the unnamed one
	if err := ss.sendBackend(&pgproto3.Close{ObjectType: 'S', Name: unloadStatement}, &pgproto3.Parse{Name: unloadStatement, Query: spec.Query},
		&pgproto3.Describe{ObjectType: 'S', Name: unloadStatement}, &pgproto3.Sync{}); err != nil {
		return &refusal{Code: "08006", Message: "backend connection lost"}
	}
	var fields []pgproto3.FieldDescription
	var nParams int
	r = ss.readUntilReady(func(f frame) *refusal {
		switch f.typ {
		case 't':
			var m pgproto3.ParameterDescription
			if err := m.Decode(f.body); err == nil {
				nParams = len(m.ParameterOIDs)
			}
		case 'T':
			var m pgproto3.RowDescription
			if err := m.Decode(f.body); err == nil {
				fields = append([]pgproto3.FieldDescription(nil), m.Fields...)
				for i := range fields {
					fields[i].Name = append([]byte(nil), fields[i].Name...)
				}
			}
		}
		return nil
	})
	if r != nil {
		return r
	}
	if nParams > 0 {
		return &refusal{Code: "42P02", Message: "there is no parameter $1"}
	}
	if len(fields) == 0 {
		return &refusal{Code: "XX000", Message: "UNLOAD's query must be a SELECT that returns columns"}
	}
	cols, r := ss.unloadColumns(fields)
	if r != nil {
		return r
	}
	// run it, streaming rows into the writers
	formats := make([]int16, len(cols))
	for i, c := range cols {
		formats[i] = c.format
	}
	w := newUnloadWriter(ctx, ss.srv, cli, spec, cols)
	defer w.abort()
	if err := ss.sendBackend(&pgproto3.Bind{PreparedStatement: unloadStatement, ResultFormatCodes: formats}, &pgproto3.Execute{}, &pgproto3.Sync{}); err != nil {
		return &refusal{Code: "08006", Message: "backend connection lost"}
	}
	var werr *refusal
	r = ss.readUntilReady(func(f frame) *refusal {
		if f.typ != 'D' || werr != nil {
			return nil
		}
		var m pgproto3.DataRow
		if err := m.Decode(f.body); err != nil {
			werr = &refusal{Code: "XX000", Message: "bad data row: " + err.Error()}
			return nil
		}
		werr = w.writeRow(m.Values)
		return nil
	})
	if r != nil {
		return r
	}
	if werr != nil {
		return werr
	}
	if r := w.finish(); r != nil {
		return r
	}
	// PG_LAST_UNLOAD_COUNT() answers from the session's setting
	q := "SELECT pg_catalog.set_config('redshift.last_unload_count', '" + strconv.FormatInt(w.row, 10) + "', false)"
	if err := ss.sendBackend(&pgproto3.Query{String: q}); err != nil {
		return &refusal{Code: "08006", Message: "backend connection lost"}
	}
	return ss.readUntilReady(func(frame) *refusal { return nil })
}

// sendBackend writes messages to the backend and flushes.
func (ss *session) sendBackend(msgs ...encoder) error {
	for _, m := range msgs {
		if err := writeMsg(ss.bw, m); err != nil {
			return err
		}
	}
	return ss.bw.Flush()
}

// readUntilReady consumes backend messages up to ReadyForQuery, handing each to fn;
// an ErrorResponse becomes the returned refusal. Notices and parameter changes go on
// to the client.
func (ss *session) readUntilReady(fn func(frame) *refusal) *refusal {
	var failed *refusal
	for {
		fe, ok := <-ss.fromBackend
		if !ok || fe.err != nil {
			return &refusal{Code: "08006", Message: "backend connection lost"}
		}
		switch fe.f.typ {
		case 'Z':
			if len(fe.f.body) > 0 {
				ss.txStatus = fe.f.body[0]
			}
			return failed
		case 'E':
			var m pgproto3.ErrorResponse
			if err := m.Decode(fe.f.body); err == nil && failed == nil {
				failed = &refusal{Code: m.Code, Message: m.Message, Hint: m.Hint}
			}
		case 'N', 'S':
			_ = writeFrame(ss.cw, fe.f)
		default:
			if failed == nil {
				if r := fn(fe.f); r != nil {
					failed = r
				}
			}
		}
	}
}

// unloadColumns resolves each column's base type and its Parquet form.
func (ss *session) unloadColumns(fields []pgproto3.FieldDescription) ([]*unloadColumn, *refusal) {
	m := pgtype.NewMap()
	// domains (SUPER, VARBYTE, GEOMETRY…) and other types pgtype does not know: ask the
	// backend for the base type and name
	names := map[uint32][2]string{} // oid -> base oid, name
	var unknown []string
	for _, f := range fields {
		if _, ok := m.TypeForOID(f.DataTypeOID); !ok {
			unknown = append(unknown, strconv.FormatUint(uint64(f.DataTypeOID), 10))
		}
	}
	if len(unknown) > 0 {
		q := "SELECT t.oid::text, (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)::text, t.typname::text FROM pg_catalog.pg_type t WHERE t.oid IN (" + strings.Join(unknown, ",") + ")"
		if err := ss.sendBackend(&pgproto3.Query{String: q}); err != nil {
			return nil, &refusal{Code: "08006", Message: "backend connection lost"}
		}
		r := ss.readUntilReady(func(f frame) *refusal {
			if f.typ == 'D' {
				var d pgproto3.DataRow
				if err := d.Decode(f.body); err == nil && len(d.Values) == 3 {
					o, _ := strconv.ParseUint(string(d.Values[0]), 10, 32)
					names[uint32(o)] = [2]string{string(d.Values[1]), string(d.Values[2])}
				}
			}
			return nil
		})
		if r != nil {
			return nil, r
		}
	}
	// RowDescription reports a domain's base type: the declared type of a table column
	// tells SUPER, VARBYTE, GEOMETRY… apart
	declared := map[[2]uint32]string{}
	var pairs []string
	for _, f := range fields {
		if f.TableOID != 0 && f.TableAttributeNumber > 0 {
			pairs = append(pairs, fmt.Sprintf("(%d,%d)", f.TableOID, f.TableAttributeNumber))
		}
	}
	if len(pairs) > 0 {
		q := "SELECT a.attrelid::text, a.attnum::text, t.typname::text FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE (a.attrelid::bigint, a.attnum::int) IN (" + strings.Join(pairs, ",") + ")"
		if err := ss.sendBackend(&pgproto3.Query{String: q}); err != nil {
			return nil, &refusal{Code: "08006", Message: "backend connection lost"}
		}
		r := ss.readUntilReady(func(f frame) *refusal {
			if f.typ == 'D' {
				var d pgproto3.DataRow
				if err := d.Decode(f.body); err == nil && len(d.Values) == 3 {
					rel, _ := strconv.ParseUint(string(d.Values[0]), 10, 32)
					num, _ := strconv.ParseUint(string(d.Values[1]), 10, 16)
					declared[[2]uint32{uint32(rel), uint32(num)}] = string(d.Values[2])
				}
			}
			return nil
		})
		if r != nil {
			return nil, r
		}
	}
	cols := make([]*unloadColumn, len(fields))
	seen := map[string]bool{}
	for i, f := range fields {
		c := &unloadColumn{name: string(f.Name), oid: f.DataTypeOID, typmod: f.TypeModifier}
		if seen[c.name] {
			return nil, &refusal{Code: "XX000", Message: fmt.Sprintf("UNLOAD to Parquet needs distinct column names: %q appears twice", c.name)}
		}
		seen[c.name] = true
		if n, ok := names[f.DataTypeOID]; ok {
			base, _ := strconv.ParseUint(n[0], 10, 32)
			c.oid = uint32(base)
			c.typname = n[1]
		}
		if n, ok := declared[[2]uint32{f.TableOID, uint32(f.TableAttributeNumber)}]; ok {
			c.typname = n
		}
		if c.oid == 3802 { // jsonb exists here only as SUPER's base type
			c.typname = "super"
		}
		setColumnKind(m, c)
		cols[i] = c
	}
	return cols, nil
}

// PostgreSQL type OIDs.
const (
	oidBool        = 16
	oidBytea       = 17
	oidName        = 19
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidFloat4      = 700
	oidFloat8      = 701
	oidBPChar      = 1042
	oidVarchar     = 1043
	oidDate        = 1082
	oidTime        = 1083
	oidTimestamp   = 1114
	oidTimestamptz = 1184
	oidTimetz      = 1266
	oidNumeric     = 1700
)

// setColumnKind chooses the Parquet type Redshift's UNLOAD writes for the column, and
// the decoder of its wire value.
func setColumnKind(m *pgtype.Map, c *unloadColumn) {
	scan := func(dst any) func([]byte) error {
		return func(src []byte) error { return m.Scan(c.oid, pgtype.BinaryFormatCode, src, dst) }
	}
	c.format = pgtype.BinaryFormatCode
	base := map[string]any{}
	c.manifest = map[string]any{"name": c.name, "type": base}
	switch c.oid {
	case oidBool:
		var v bool
		s := scan(&v)
		c.node, base["base"] = parquet.Leaf(parquet.BooleanType), "boolean"
		c.convert = func(src []byte) (parquet.Value, error) { err := s(src); return parquet.BooleanValue(v), err }
	case oidInt2, oidInt4:
		var v int32
		s := scan(&v)
		if c.oid == oidInt2 {
			c.node, base["base"] = parquet.Int(16), "smallint"
		} else {
			c.node, base["base"] = parquet.Int(32), "integer"
		}
		c.convert = func(src []byte) (parquet.Value, error) { err := s(src); return parquet.Int32Value(v), err }
	case oidInt8:
		var v int64
		s := scan(&v)
		c.node, base["base"] = parquet.Int(64), "bigint"
		c.convert = func(src []byte) (parquet.Value, error) { err := s(src); return parquet.Int64Value(v), err }
	case oidFloat4:
		var v float32
		s := scan(&v)
		c.node, base["base"] = parquet.Leaf(parquet.FloatType), "real"
		c.convert = func(src []byte) (parquet.Value, error) { err := s(src); return parquet.FloatValue(v), err }
	case oidFloat8:
		var v float64
		s := scan(&v)
		c.node, base["base"] = parquet.Leaf(parquet.DoubleType), "double precision"
		c.convert = func(src []byte) (parquet.Value, error) { err := s(src); return parquet.DoubleValue(v), err }
	case oidNumeric:
		prec, scale := 38, 10 // numeric without a declared precision (an expression)
		if c.typmod >= 4 {
			prec, scale = int((c.typmod-4)>>16)&0xffff, int(c.typmod-4)&0xffff
		}
		base["base"], base["precision"], base["scale"] = "numeric", prec, scale
		var v pgtype.Numeric
		s := scan(&v)
		if prec <= 18 {
			c.node = parquet.Decimal(scale, prec, parquet.Int64Type)
			c.convert = func(src []byte) (parquet.Value, error) {
				if err := s(src); err != nil {
					return parquet.Value{}, err
				}
				u, err := unscaled(v, scale)
				if err != nil {
					return parquet.Value{}, err
				}
				if !u.IsInt64() {
					return parquet.Value{}, fmt.Errorf("numeric value out of range for precision %d", prec)
				}
				return parquet.Int64Value(u.Int64()), nil
			}
		} else {
			c.node = parquet.Decimal(scale, prec, parquet.FixedLenByteArrayType(16))
			c.convert = func(src []byte) (parquet.Value, error) {
				if err := s(src); err != nil {
					return parquet.Value{}, err
				}
				u, err := unscaled(v, scale)
				if err != nil {
					return parquet.Value{}, err
				}
				b, err := twosComplement16(u)
				return parquet.FixedLenByteArrayValue(b), err
			}
		}
	case oidDate:
		var v pgtype.Date
		s := scan(&v)
		c.node, base["base"] = parquet.Date(), "date"
		c.convert = func(src []byte) (parquet.Value, error) {
			if err := s(src); err != nil {
				return parquet.Value{}, err
			}
			if v.InfinityModifier != pgtype.Finite {
				return parquet.Value{}, errors.New("date out of range")
			}
			return parquet.Int32Value(int32(floorDiv(v.Time.Unix(), 86400))), nil
		}
	case oidTimestamp:
		var v pgtype.Timestamp
		s := scan(&v)
		c.node, base["base"] = parquet.TimestampAdjusted(parquet.Microsecond, false), "timestamp without time zone"
		c.convert = func(src []byte) (parquet.Value, error) {
			if err := s(src); err != nil {
				return parquet.Value{}, err
			}
			if v.InfinityModifier != pgtype.Finite {
				return parquet.Value{}, errors.New("timestamp out of range")
			}
			return parquet.Int64Value(v.Time.UnixMicro()), nil
		}
	case oidTimestamptz:
		var v pgtype.Timestamptz
		s := scan(&v)
		c.node, base["base"] = parquet.TimestampAdjusted(parquet.Microsecond, true), "timestamp with time zone"
		c.convert = func(src []byte) (parquet.Value, error) {
			if err := s(src); err != nil {
				return parquet.Value{}, err
			}
			if v.InfinityModifier != pgtype.Finite {
				return parquet.Value{}, errors.New("timestamp out of range")
			}
			return parquet.Int64Value(v.Time.UTC().UnixMicro()), nil
		}
	case oidTime:
		var v pgtype.Time
		s := scan(&v)
		c.node, base["base"] = parquet.TimeAdjusted(parquet.Microsecond, false), "time without time zone"
		c.convert = func(src []byte) (parquet.Value, error) { err := s(src); return parquet.Int64Value(v.Microseconds), err }
	case oidTimetz:
		c.format = pgtype.TextFormatCode
		c.node, base["base"] = parquet.TimeAdjusted(parquet.Microsecond, true), "time with time zone"
		c.convert = func(src []byte) (parquet.Value, error) {
			us, err := parseTimetz(string(src))
			return parquet.Int64Value(us), err
		}
	case oidBytea:
		c.node, base["base"] = parquet.Leaf(parquet.ByteArrayType), "binary varying"
		c.convert = func(src []byte) (parquet.Value, error) {
			return parquet.ByteArrayValue(append([]byte(nil), src...)), nil
		}
	case oidText, oidVarchar, oidBPChar, oidName:
		c.node, base["base"] = parquet.String(), "character varying"
		if c.oid == oidBPChar {
			base["base"] = "character"
		}
		if c.typmod > 4 {
			base["max_length"] = int(c.typmod - 4)
		}
		c.convert = func(src []byte) (parquet.Value, error) {
			return parquet.ByteArrayValue(append([]byte(nil), src...)), nil
		}
	default:
		// SUPER (as JSON text), GEOMETRY/GEOGRAPHY (as their text), intervals and the
		// rest: their text form
		c.format = pgtype.TextFormatCode
		c.node = parquet.String()
		switch c.typname {
		case "super", "geometry", "geography", "hllsketch":
			base["base"] = c.typname
		default:
			base["base"] = "character varying"
		}
		c.convert = func(src []byte) (parquet.Value, error) {
			return parquet.ByteArrayValue(append([]byte(nil), src...)), nil
		}
	}
	if c.typname == "varbyte" {
		base["base"] = "binary varying"
	}
	c.node = parquet.Optional(c.node)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// unscaled returns n × 10^scale as an integer, rounding half away from zero.
func unscaled(n pgtype.Numeric, scale int) (*big.Int, error) {
	if n.NaN || n.InfinityModifier != pgtype.Finite || n.Int == nil {
		return nil, errors.New("numeric value NaN or infinite cannot be written as DECIMAL")
	}
	e := int(n.Exp) + scale
	v := new(big.Int).Set(n.Int)
	if e >= 0 {
		return v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil)), nil
	}
	d := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-e)), nil)
	q, rem := new(big.Int).QuoRem(v, d, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2)).Cmp(d) >= 0 {
		if v.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q, nil
}

// twosComplement16 is v as 16 big-endian two's-complement bytes.
func twosComplement16(v *big.Int) ([]byte, error) {
	if v.BitLen() > 127 {
		return nil, errors.New("numeric value out of range for DECIMAL(38)")
	}
	x := new(big.Int).Set(v)
	if x.Sign() < 0 {
		x.Add(x, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	b := make([]byte, 16)
	x.FillBytes(b)
	return b, nil
}

// parseTimetz reads PostgreSQL's text of a TIMETZ (HH:MM:SS[.ffffff]±HH[:MM[:SS]]) as
// microseconds since midnight UTC.
func parseTimetz(s string) (int64, error) {
	i := strings.LastIndexAny(s, "+-")
	if i < 0 {
		return 0, fmt.Errorf("bad time with time zone %q", s)
	}
	t, err := time.Parse("15:04:05.999999", s[:i])
	if err != nil {
		return 0, fmt.Errorf("bad time with time zone %q", s)
	}
	sign := int64(1)
	if s[i] == '-' {
		sign = -1
	}
	var off int64
	for k, p := range strings.Split(s[i+1:], ":") {
		n, err := strconv.Atoi(p)
		if err != nil || k > 2 {
			return 0, fmt.Errorf("bad time zone in %q", s)
		}
		off += int64(n) * []int64{3600, 60, 1}[k]
	}
	us := int64(t.Hour()*3600+t.Minute()*60+t.Second())*1e6 + int64(t.Nanosecond()/1000) - sign*off*1e6
	day := int64(86400e6)
	return ((us % day) + day) % day, nil
}

// orderedGroup is a Parquet group whose columns keep the SELECT's order (parquet.Group,
// a map, sorts them by name).
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g orderedGroup) Fields() []parquet.Field { return g.fields }

type namedField struct {
	parquet.Node
	name string
}

func (f namedField) Name() string                           { return f.name }
func (f namedField) Value(base reflect.Value) reflect.Value { return reflect.Value{} }

// unloadWriter writes the rows into Parquet files per slice, rotating at MAXFILESIZE,
// uploads each closed file and finally the manifest.
type unloadWriter struct {
	ctx     context.Context
	srv     *Server
	cli     *s3.Client
	spec    *unloadSpec
	cols    []*unloadColumn
	schema  *parquet.Schema
	slices  []*sliceFile
	parts   []int // next part number per slice
	row     int64
	entries []manifestEntry
}

type sliceFile struct {
	f       *os.File
	cw      *countingWriter
	w       *parquet.GenericWriter[any]
	key     string
	rows    int64
	pending int64 // estimated bytes in the open row group
	raw     int64 // estimated uncompressed bytes in the file
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type manifestEntry struct {
	URL    string
	Key    string
	Length int64
	Rows   int64
}

func newUnloadWriter(ctx context.Context, srv *Server, cli *s3.Client, spec *unloadSpec, cols []*unloadColumn) *unloadWriter {
	g := orderedGroup{Group: parquet.Group{}}
	for _, c := range cols {
		g.Group[c.name] = c.node
		g.fields = append(g.fields, namedField{Node: c.node, name: c.name})
	}
	n := 1
	if spec.Parallel {
		n = srv.cfg.Slices
	}
	return &unloadWriter{ctx: ctx, srv: srv, cli: cli, spec: spec, cols: cols,
		schema: parquet.NewSchema("schema", g), slices: make([]*sliceFile, n), parts: make([]int, n)}
}

func (w *unloadWriter) fileKey(slice, part int) string {
	if w.spec.Parallel {
		return fmt.Sprintf("%s%04d_part_%02d.%s", w.spec.Prefix, slice, part, w.spec.Extension)
	}
	return fmt.Sprintf("%s%03d.%s", w.spec.Prefix, part, w.spec.Extension)
}

func (w *unloadWriter) writeRow(values [][]byte) *refusal {
	slice := int(w.row % int64(len(w.slices)))
	w.row++
	sf := w.slices[slice]
	if sf == nil {
		f, err := os.CreateTemp("", "redshift-unload-*.parquet")
		if err != nil {
			return &refusal{Code: "XX000", Message: "UNLOAD: temporary file: " + err.Error()}
		}
		cw := &countingWriter{w: f}
		sf = &sliceFile{f: f, cw: cw, key: w.fileKey(slice, w.parts[slice]),
			w: parquet.NewGenericWriter[any](cw, w.schema, parquet.Compression(&parquet.Snappy))}
		w.parts[slice]++
		w.slices[slice] = sf
	}
	row := make(parquet.Row, len(w.cols))
	var size int64
	for i, c := range w.cols {
		if values[i] == nil {
			row[i] = parquet.Value{}.Level(0, 0, i)
			continue
		}
		v, err := c.convert(values[i])
		if err != nil {
			return &refusal{Code: "XX000", Message: fmt.Sprintf("UNLOAD: column %q: %v", c.name, err)}
		}
		row[i] = v.Level(0, 1, i)
		size += int64(len(values[i])) + 2
	}
	if _, err := sf.w.WriteRows([]parquet.Row{row}); err != nil {
		return &refusal{Code: "XX000", Message: "UNLOAD: write Parquet: " + err.Error()}
	}
	sf.rows++
	sf.pending += size
	sf.raw += size
	groupLimit := min(w.spec.MaxFileSize/8, 64*mb)
	if sf.pending >= groupLimit {
		if err := sf.w.Flush(); err != nil {
			return &refusal{Code: "XX000", Message: "UNLOAD: write Parquet: " + err.Error()}
		}
		sf.pending = 0
		// the writer buffers pages: what reached the file is not yet its size, so the
		// file is closed by its uncompressed size, which compression only shrinks
		if sf.raw >= w.spec.MaxFileSize-groupLimit {
			if r := w.closeSlice(slice); r != nil {
				return r
			}
		}
	}
	return nil
}

// closeSlice closes the slice's open file and uploads it.
func (w *unloadWriter) closeSlice(slice int) *refusal {
	sf := w.slices[slice]
	w.slices[slice] = nil
	defer os.Remove(sf.f.Name())
	defer sf.f.Close()
	if err := sf.w.Close(); err != nil {
		return &refusal{Code: "XX000", Message: "UNLOAD: write Parquet: " + err.Error()}
	}
	if _, err := sf.f.Seek(0, io.SeekStart); err != nil {
		return &refusal{Code: "XX000", Message: "UNLOAD: " + err.Error()}
	}
	_, err := w.cli.PutObject(w.ctx, &s3.PutObjectInput{Bucket: &w.spec.Bucket, Key: &sf.key, Body: sf.f,
		ContentLength: aws.Int64(sf.cw.n), ContentType: aws.String("application/octet-stream")})
	if err != nil {
		return s3Refusal("PutObject", err)
	}
	w.entries = append(w.entries, manifestEntry{URL: "s3://" + w.spec.Bucket + "/" + sf.key, Key: sf.key, Length: sf.cw.n, Rows: sf.rows})
	return nil
}

func (w *unloadWriter) finish() *refusal {
	for i := range w.slices {
		if w.slices[i] != nil {
			if r := w.closeSlice(i); r != nil {
				return r
			}
		}
	}
	if !w.spec.Manifest {
		return nil
	}
	sort.Slice(w.entries, func(i, j int) bool { return w.entries[i].Key < w.entries[j].Key })
	type meta struct {
		ContentLength int64 `json:"content_length"`
		RecordCount   int64 `json:"record_count"`
	}
	type entry struct {
		URL  string `json:"url"`
		Meta *meta  `json:"meta,omitempty"`
	}
	type schema struct {
		Elements []map[string]any `json:"elements"`
	}
	type author struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	// Redshift's key order: entries, schema, meta, author
	var doc struct {
		Entries []entry `json:"entries"`
		Schema  *schema `json:"schema,omitempty"`
		Meta    *meta   `json:"meta,omitempty"`
		Author  *author `json:"author,omitempty"`
	}
	doc.Entries = []entry{}
	var total meta
	for _, e := range w.entries {
		en := entry{URL: e.URL}
		if w.spec.Verbose {
			en.Meta = &meta{ContentLength: e.Length, RecordCount: e.Rows}
		}
		total.ContentLength += e.Length
		total.RecordCount += e.Rows
		doc.Entries = append(doc.Entries, en)
	}
	if w.spec.Verbose {
		sc := &schema{}
		for _, c := range w.cols {
			sc.Elements = append(sc.Elements, c.manifest)
		}
		doc.Schema, doc.Meta, doc.Author = sc, &total, &author{Name: "Amazon Redshift", Version: "1.0.0"}
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return &refusal{Code: "XX000", Message: "UNLOAD: manifest: " + err.Error()}
	}
	key := w.spec.Prefix + "manifest"
	_, err = w.cli.PutObject(w.ctx, &s3.PutObjectInput{Bucket: &w.spec.Bucket, Key: &key, Body: strings.NewReader(string(body)),
		ContentLength: aws.Int64(int64(len(body))), ContentType: aws.String("application/json")})
	if err != nil {
		return s3Refusal("PutObject", err)
	}
	return nil
}

// abort removes the temporary files of a failed UNLOAD.
func (w *unloadWriter) abort() {
	for i, sf := range w.slices {
		if sf != nil {
			sf.f.Close()
			os.Remove(sf.f.Name())
			w.slices[i] = nil
		}
	}
}

// cleanPrefix deletes every object under prefix (CLEANPATH).
func cleanPrefix(ctx context.Context, cli *s3.Client, bucket, prefix string) *refusal {
	for round := 0; round < 100000; round++ {
		out, err := cli.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, MaxKeys: aws.Int32(1000)})
		if err != nil {
			return s3Refusal("ListObjectsV2", err)
		}
		if len(out.Contents) == 0 {
			return nil
		}
		ids := make([]s3types.ObjectIdentifier, len(out.Contents))
		for i, o := range out.Contents {
			ids[i] = s3types.ObjectIdentifier{Key: o.Key}
		}
		if _, err := cli.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			return s3Refusal("DeleteObjects", err)
		}
	}
	return &refusal{Code: "XX000", Message: "CLEANPATH: too many objects under the prefix"}
}
