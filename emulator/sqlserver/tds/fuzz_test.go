package tds

import (
	"bytes"
	"testing"
)

// FuzzReaders feeds arbitrary bytes to every client-message parser: none may panic.
func FuzzReaders(f *testing.F) {
	f.Add([]byte{0x12, 0x01, 0x00, 0x0d, 0, 0, 1, 0, 0x01, 0x00, 0x05, 0x00, 0x01, 0xff, 0x00})
	f.Add(make([]byte, 94))
	f.Add([]byte{0x16, 0, 0, 0, 0x12, 0, 0, 0, 0x02, 0, 0xff, 0xff, 0x0a, 0, 0, 0, 0, 0x26, 4, 4, 1, 0, 0, 0})
	rpc := []byte{0x16, 0, 0, 0, 0x12, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x0a, 0, 0, 0}
	rpc = append(rpc, 0, 0, 0xe7, 0x40, 0x1f, 0x09, 0x04, 0xd0, 0x00, 0x34, 0x02, 0x00, 0x31, 0x00)
	f.Add(rpc)
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadMessage(bytes.NewReader(b))
		ParsePrelogin(b)
		ParseLogin7(b)
		ParseSQLBatch(b)
		ParseRPC(b)
		ParseTransMgr(b)
		ParseBulkLoad(b, func([]Column, []any) error { return nil })
		ParseTemporal(string(b))
	})
}

func TestTemporalRounding(t *testing.T) {
	cases := []struct {
		in   string
		k    Kind
		sc   int
		want string
	}{
		{"2020-01-01 10:00:00.0049999", DateTime, 3, "2020-01-01 10:00:00.0033333"},
		{"2020-01-01 23:59:59.9999999", DateTime2, 0, "2020-01-02 00:00:00.0000000"},
		{"2020-01-01 10:00:29.998", SmallDateTime, 0, "2020-01-01 10:00:00.0000000"},
		{"2020-01-01 10:00:29.999", SmallDateTime, 0, "2020-01-01 10:01:00.0000000"},
		{"2020-01-01T10:00:00.1234567+14:00", DateTimeOffset, 7, "2020-01-01 10:00:00.1234567 +14:00"},
		{"0001-01-01", Date, 0, "0001-01-01"},
		{"12:34:56.7654321", Time, 3, "12:34:56.7650000"},
	}
	for _, c := range cases {
		v, err := ParseTemporal(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		v, err = v.Round(c.k, c.sc)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := v.Canonical(c.k); got != c.want {
			t.Errorf("%s as %v(%d): got %s want %s", c.in, c.k, c.sc, got, c.want)
		}
	}
	if _, err := ParseTemporal("2020-02-30"); err == nil {
		t.Error("2020-02-30 accepted")
	}
}

func TestDecimalWire(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, 4096)
	w.Begin(PacketReply)
	d, _ := ParseDecimal("-123.45")
	if err := WriteValue(w, Type{Kind: Decimal, Prec: 5, Scale: 2}, d); err != nil {
		t.Fatal(err)
	}
	big, _ := ParseDecimal("12345678901234567890.5")
	if err := WriteValue(w, Type{Kind: Decimal, Prec: 38, Scale: 1}, big); err != nil {
		t.Fatal(err)
	}
	over, _ := ParseDecimal("12345678901")
	if err := WriteValue(w, Type{Kind: Decimal, Prec: 9, Scale: 0}, over); err == nil {
		t.Error("11 digits accepted for decimal(9,0)")
	}
	w.End()
	got := buf.Bytes()[8:]
	// len 5, sign 0 (negative), 12345 little-endian; then len 17, sign 1, 123456789012345678905
	want := []byte{5, 0, 0x39, 0x30, 0, 0, 17, 1, 0x39, 0x6c, 0x36, 0x2f, 0x81, 0x9f, 0x4e, 0xb1, 0x06}
	if !bytes.Equal(got[:len(want)], want) {
		t.Fatalf("wire bytes %x, want prefix %x", got, want)
	}
}
