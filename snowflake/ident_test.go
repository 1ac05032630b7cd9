package snowflake

import (
	"strings"
	"testing"
)

func TestQuoteIdent(t *testing.T) {
	cases := map[string]string{
		"ID":         `"ID"`,
		"mixedCase":  `"mixedCase"`,
		`a"b`:        `"a""b"`,
		`""`:         `""""""`,
		"with space": `"with space"`,
		"select":     `"select"`,
	}
	for in, want := range cases {
		if got := QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestResolveName(t *testing.T) {
	ok := map[string]string{
		"orders":          "ORDERS",
		"Orders":          "ORDERS",
		" my_tab$1 ":      "MY_TAB$1",
		`"Orders"`:        "Orders",
		`"order lines"`:   "order lines",
		`"say ""hi"""`:    `say "hi"`,
		`"lower"`:         "lower",
		"_x":              "_X",
		`"2024"`:          "2024",
		`"Ünïcode"`:       "Ünïcode",
		`"a.b"`:           "a.b",
		`"trailing "`:     "trailing ",
		`"dots.and""q"""`: `dots.and"q"`,
	}
	for in, want := range ok {
		got, err := ResolveName(in)
		if err != nil || got != want {
			t.Errorf("ResolveName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"", "  ", "2024", "order lines", `"unterminated`, `"a"b"`, `""`, "a-b", "a.b"}
	for _, in := range bad {
		if got, err := ResolveName(in); err == nil {
			t.Errorf("ResolveName(%q) = %q, want an error", in, got)
		}
	}
	// The error tells the user what to write.
	_, err := ResolveName("order lines")
	if err == nil || !strings.Contains(err.Error(), `"order lines"`) {
		t.Errorf("error should suggest the quoted form, got %v", err)
	}
}

func TestDisplayName(t *testing.T) {
	if got := DisplayName("SNOWCONVERT_AI", "DATA_MIGRATION", "MIGRATION_STAGE"); got != "SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE" {
		t.Errorf("got %s", got)
	}
	if got := DisplayName("Meta DB", "TABLE", "MIGRATION_STAGE"); got != `"Meta DB"."TABLE".MIGRATION_STAGE` {
		t.Errorf("got %s", got)
	}
	// What DisplayName produces resolves back to the same names.
	for _, part := range strings.Split(DisplayName("lower", "UP", `a"b`), ".") {
		if _, err := ResolveName(part); err != nil {
			t.Errorf("part %s does not resolve: %v", part, err)
		}
	}
}
