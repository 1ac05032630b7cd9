package checksum

import "crypto/md5"

// Row builds one row's text field by field (in target column order). Reset it for
// every row; its buffer is reused.
type Row struct {
	buf    []byte
	fields int
}

func (r *Row) sep() {
	if r.fields > 0 {
		r.buf = append(r.buf, '|')
	}
	r.fields++
}

// Reset starts a new row.
func (r *Row) Reset() { r.buf, r.fields = r.buf[:0], 0 }

// Bytes is the row text so far (valid until the next call).
func (r *Row) Bytes() []byte { return r.buf }

// Null adds a SQL NULL.
func (r *Row) Null() { r.sep(); r.buf = append(r.buf, Null...) }

// Int adds an integer NUMBER(p,0).
func (r *Row) Int(v int64) { r.sep(); r.buf = AppendDecimal(r.buf, v, 0) }

// Decimal adds a NUMBER(p,s) given as its unscaled integer.
func (r *Row) Decimal(unscaled int64, scale int) {
	r.sep()
	r.buf = AppendDecimal(r.buf, unscaled, scale)
}

// Decimal128 adds a NUMBER(p,s) given as 16 big-endian two's complement bytes.
func (r *Row) Decimal128(be []byte, scale int) {
	r.sep()
	r.buf = AppendDecimal128(r.buf, be, scale)
}

// Float adds a FLOAT.
func (r *Row) Float(f float64) { r.sep(); r.buf = AppendFloat(r.buf, f) }

// Bool adds a BOOLEAN.
func (r *Row) Bool(v bool) { r.sep(); r.buf = AppendBool(r.buf, v) }

// Text adds a VARCHAR value (escaped).
func (r *Row) Text(s []byte) { r.sep(); r.buf = AppendText(r.buf, s) }

// Binary adds a BINARY value (upper-case hex).
func (r *Row) Binary(b []byte) { r.sep(); r.buf = AppendBinary(r.buf, b) }

// Date adds a DATE given as days since 1970-01-01.
func (r *Row) Date(days int64) { r.sep(); r.buf = AppendDate(r.buf, days) }

// Time adds a TIME given as microseconds since midnight.
func (r *Row) Time(micros int64) { r.sep(); r.buf = AppendTime(r.buf, micros) }

// Timestamp adds a TIMESTAMP_NTZ (wall clock) or TIMESTAMP_TZ/LTZ (UTC instant) given
// as microseconds since 1970-01-01 00:00:00.
func (r *Row) Timestamp(micros int64) { r.sep(); r.buf = AppendTimestamp(r.buf, micros) }

// Semi adds a non-NULL VARIANT/OBJECT/ARRAY value (presence only).
func (r *Row) Semi() { r.sep(); r.buf = append(r.buf, SemiPresent...) }

// Digest is the row's MD5.
func (r *Row) Digest() [16]byte { return md5.Sum(r.buf) }

// RowHash is the lower-case hex MD5 of a row text: what Snowflake's MD5(row) returns,
// used to locate differing rows.
func RowHash(row []byte) string {
	d := md5.Sum(row)
	const hex = "0123456789abcdef"
	out := make([]byte, 32)
	for i, c := range d {
		out[2*i], out[2*i+1] = hex[c>>4], hex[c&15]
	}
	return string(out)
}
