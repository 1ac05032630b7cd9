package source

import "fmt"

// CheckWhere vets whereClauseCriteria before it is pasted into statements. The
// filter is SQL by contract, so it cannot be bound as a parameter; what it must not
// do is leave the parentheses it is wrapped in (`x) OR (true` would put every row
// in every partition), end the statement (`;` — COPY runs through the simple query
// protocol, which accepts several statements), or comment out the rest of ours.
// Quotes, identifiers and parentheses are tracked; anything inside a string literal
// or quoted identifier is free.
func CheckWhere(w string) error {
	depth := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for ; j < len(w); j++ {
				if w[j] == c {
					if j+1 < len(w) && w[j+1] == c { // doubled quote inside
						j++
						continue
					}
					break
				}
			}
			if j >= len(w) {
				return fmt.Errorf("%w: whereClauseCriteria %q has an unterminated %c quote", ErrConfig, w, c)
			}
			i = j
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return fmt.Errorf("%w: whereClauseCriteria %q closes a parenthesis it did not open", ErrConfig, w)
			}
		case c == ';':
			return fmt.Errorf("%w: whereClauseCriteria %q contains ';': it must be one condition, not statements", ErrConfig, w)
		case c == '-' && i+1 < len(w) && w[i+1] == '-', c == '/' && i+1 < len(w) && w[i+1] == '*':
			return fmt.Errorf("%w: whereClauseCriteria %q contains a comment; remove it", ErrConfig, w)
		case c == '$' && i+1 < len(w) && (w[i+1] == '$' || isIdentStart(w[i+1])) && dollarQuote(w[i+1:]):
			return fmt.Errorf("%w: whereClauseCriteria %q uses dollar quoting; use single quotes", ErrConfig, w)
		}
	}
	if depth != 0 {
		return fmt.Errorf("%w: whereClauseCriteria %q leaves a parenthesis open", ErrConfig, w)
	}
	return nil
}

func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// dollarQuote reports whether s (after a '$') continues a $tag$ opener.
func dollarQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '$' {
			return true
		}
		if !isIdentStart(s[i]) && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return false
}
