package config

import (
	"strings"
	"testing"
)

// checksum_method is read on a PostgreSQL connection ("stream", the default when
// absent, or "sql"), refused with another value, and refused on another platform
// (Redshift and SQL Server compute their source checksum in SQL only).
func TestParseWorkerChecksumMethod(t *testing.T) {
	pg := "[connections.source.postgresql]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\n"
	for toml, want := range map[string]string{
		pg:                                    "",
		pg + "checksum_method = \"stream\"\n": ChecksumMethodStream,
		pg + "checksum_method = \"sql\"\n":    ChecksumMethodSQL,
	} {
		w, err := ParseWorker([]byte(toml), "w.toml")
		if err != nil {
			t.Fatalf("%q: %v", toml, err)
		}
		if _, c := w.Source(); c.ChecksumMethod != want {
			t.Errorf("%q: checksum_method %q, want %q", toml, c.ChecksumMethod, want)
		}
	}
	for name, tc := range map[string]struct{ toml, want string }{
		"bad value":   {pg + "checksum_method = \"md5\"\n", `checksum_method = "md5": use "stream" (default) or "sql"`},
		"on redshift": {"[connections.source.redshift]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\nchecksum_method = \"sql\"\n", "connections.source.redshift.checksum_method applies to postgresql only"},
		"on sqlserver": {"[connections.source.sqlserver]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\nchecksum_method = \"stream\"\n",
			"connections.source.sqlserver.checksum_method applies to postgresql only"},
	} {
		if _, err := ParseWorker([]byte(tc.toml), "w.toml"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (want …%s…)", name, err, tc.want)
		}
	}
}
