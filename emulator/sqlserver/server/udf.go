package server

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/marcboeker/go-duckdb"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// udf is a row-at-a-time DuckDB scalar function written in Go: the byte-exact pieces of
// T-SQL that DuckDB has no function for (HASHBYTES over UTF-16LE or code page 1252
// bytes, varbinary → integer conversion).
type udf struct {
	in  []duckdb.Type
	out duckdb.Type
	fn  func([]driver.Value) (any, error)
}

func (u *udf) Config() duckdb.ScalarFuncConfig {
	var cfg duckdb.ScalarFuncConfig
	for _, t := range u.in {
		ti, _ := duckdb.NewTypeInfo(t)
		cfg.InputTypeInfos = append(cfg.InputTypeInfos, ti)
	}
	cfg.ResultTypeInfo, _ = duckdb.NewTypeInfo(u.out)
	return cfg
}

func (u *udf) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: u.fn}
}

func blobArg(v driver.Value) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	return nil
}

var udfs = map[string]*udf{
	"ss_hash": {in: []duckdb.Type{duckdb.TYPE_VARCHAR, duckdb.TYPE_BLOB}, out: duckdb.TYPE_BLOB, fn: func(v []driver.Value) (any, error) {
		data := blobArg(v[1])
		switch strings.ToUpper(fmt.Sprint(v[0])) {
		case "MD5":
			h := md5.Sum(data)
			return h[:], nil
		case "SHA", "SHA1":
			h := sha1.Sum(data)
			return h[:], nil
		case "SHA2_256":
			h := sha256.Sum256(data)
			return h[:], nil
		case "SHA2_512":
			h := sha512.Sum512(data)
			return h[:], nil
		}
		return nil, fmt.Errorf("HASHBYTES algorithm %v is not supported", v[0])
	}},
	"ss_utf16": {in: []duckdb.Type{duckdb.TYPE_VARCHAR}, out: duckdb.TYPE_BLOB, fn: func(v []driver.Value) (any, error) {
		return tds.UTF16(fmt.Sprint(v[0])), nil
	}},
	"ss_cp1252": {in: []duckdb.Type{duckdb.TYPE_VARCHAR}, out: duckdb.TYPE_BLOB, fn: func(v []driver.Value) (any, error) {
		return tds.EncodeVarchar(fmt.Sprint(v[0])), nil
	}},
	// decimal division at a given scale, truncated toward zero as SQL Server's is
	"ss_decdiv": {in: []duckdb.Type{duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_INTEGER, duckdb.TYPE_INTEGER}, out: duckdb.TYPE_VARCHAR, fn: func(v []driver.Value) (any, error) {
		prec, err1 := strconv.Atoi(fmt.Sprint(v[2]))
		scale, err2 := strconv.Atoi(fmt.Sprint(v[3]))
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("ss_decdiv: precision %v, scale %v", v[2], v[3])
		}
		q, err := decimalQuotient(fmt.Sprint(v[0]), fmt.Sprint(v[1]), scale)
		if err != nil {
			return nil, err
		}
		if integralDigits(q) > prec-scale {
			return nil, tsql.Errf(8115, 2, 16, "%s", tsql.NumericOverflow)
		}
		return q, nil
	}},
	// CONVERT(bigint, varbinary): the last 8 bytes, big-endian, as SQL Server reads them
	"ss_bin2int": {in: []duckdb.Type{duckdb.TYPE_BLOB}, out: duckdb.TYPE_BIGINT, fn: func(v []driver.Value) (any, error) {
		b := blobArg(v[0])
		if len(b) > 8 {
			b = b[len(b)-8:]
		}
		var n uint64
		for _, c := range b {
			n = n<<8 | uint64(c)
		}
		return int64(n), nil
	}},
}

// decimalQuotient divides exact decimal texts and renders the quotient with scale
// digits after the point, truncated toward zero.
func decimalQuotient(a, b string, scale int) (string, error) {
	x, okA := new(big.Rat).SetString(a)
	y, okB := new(big.Rat).SetString(b)
	if !okA || !okB {
		return "", tsql.Errf(8114, 5, 16, "Error converting data type varchar to numeric.")
	}
	if y.Sign() == 0 {
		return "", tsql.Errf(8134, 1, 16, "%s", tsql.DivideByZero)
	}
	q := new(big.Rat).Quo(x, y)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	n := new(big.Int).Mul(q.Num(), pow)
	n.Quo(n, q.Denom())
	neg := n.Sign() < 0
	digits := new(big.Int).Abs(n).String()
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	out := digits
	if scale > 0 {
		out = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		out = "-" + out
	}
	return out, nil
}

// integralDigits counts the digits of a decimal text before its point (leading zeros
// aside).
func integralDigits(q string) int {
	ip, _, _ := strings.Cut(strings.TrimPrefix(q, "-"), ".")
	return len(strings.TrimLeft(ip, "0"))
}

// registerUDFs makes the functions available on a connection; DuckDB keeps them in the
// instance's catalog, so a second registration reports that they exist, which is fine.
func registerUDFs(ctx context.Context, c *sql.Conn) error {
	for name, f := range udfs {
		if err := duckdb.RegisterScalarUDF(c, name, f); err != nil {
			var n int
			if c.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_functions() WHERE function_name = $1", name).Scan(&n) == nil && n > 0 {
				continue
			}
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	return nil
}
