package tds

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Conversions of the engine's Go values to what each wire type encodes.

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		return int64(x), nil
	case float64:
		return int64(x), nil
	case float32:
		return int64(x), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, &ValueError{fmt.Sprintf("Conversion failed when converting the varchar value '%s' to data type int.", x)}
		}
		return n, nil
	case Dec:
		return x.Rescale(0).Unscaled.Int64(), nil
	}
	return 0, &ValueError{fmt.Sprintf("cannot send %T as an integer", v)}
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, &ValueError{"Error converting data type varchar to float."}
		}
		return f, nil
	case Dec:
		f, _ := new(big.Float).SetInt(x.Unscaled).Float64()
		return f / math.Pow10(x.Scale), nil
	}
	n, err := toInt(v)
	return float64(n), err
}

func toDecimal(v any) (Dec, error) {
	switch x := v.(type) {
	case Dec:
		return x, nil
	case string:
		return ParseDecimal(x)
	case float64:
		return ParseDecimal(strconv.FormatFloat(x, 'f', -1, 64))
	case float32:
		return ParseDecimal(strconv.FormatFloat(float64(x), 'f', -1, 32))
	}
	n, err := toInt(v)
	return Dec{big.NewInt(n), 0}, err
}

func toTemporal(v any) (Temporal, error) {
	switch x := v.(type) {
	case Temporal:
		return x, nil
	case time.Time:
		return FromTime(x), nil
	case string:
		return ParseTemporal(x)
	}
	return Temporal{}, &ValueError{fmt.Sprintf("cannot send %T as a date/time", v)}
}

func toBytes(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	}
	return nil, &ValueError{fmt.Sprintf("cannot send %T as binary", v)}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
