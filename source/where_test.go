package source

import (
	"errors"
	"testing"
)

func TestCheckWhere(t *testing.T) {
	ok := []string{"", "is_deleted = 0", "name = 'a;b' AND note <> 'it''s -- fine'", `"We;ird" > 3`, "(a = 1 OR b = 2) AND c IN (1, 2)",
		"price - 1 > 0", "x / 2 > 1", "amount::numeric > 0"}
	for _, w := range ok {
		if err := CheckWhere(w); err != nil {
			t.Errorf("%q rejected: %v", w, err)
		}
	}
	bad := []string{"1=1) OR (true", "x = 1; DROP TABLE t", "x = 1 -- and", "x = 1 /* c */", "a = 'open", "(a = 1", "a = $$x;$$", "a = $t$x$t$"}
	for _, w := range bad {
		if err := CheckWhere(w); !errors.Is(err, ErrConfig) {
			t.Errorf("%q accepted (%v)", w, err)
		}
	}
}
