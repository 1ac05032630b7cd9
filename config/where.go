package config

import (
	"fmt"
	"unicode/utf8"
)

// WhereProblem keeps whereClauseCriteria to one predicate: the extractor wraps it as
// `WHERE … AND (<criteria>)`, so a statement separator, a comment, dollar quoting or an
// unbalanced quote or parenthesis could end the wrapper early (`x) OR (true` would put
// every row in every partition; `;` would run a second statement, since COPY uses the
// simple query protocol). It returns "" when the filter is acceptable; an empty string
// is allowed (it clears a filter set in the defaults). The starter checks it before
// anything starts; the source side checks it again before pasting it into SQL.
//
// The scanner follows PostgreSQL's lexer (src/backend/parser/scan.l) for every token
// that can hide a quote or a parenthesis: '…' strings, E'…' strings with backslash
// escapes, N'…', B'…', X'…', U&'…' and U&"…", "quoted identifiers", string
// continuation across a newline, numbers and identifiers (which decide whether an E
// before a quote is a prefix). What a '…' string means depends on
// standard_conforming_strings (off: backslash escapes, as on Redshift), so the
// criteria are scanned under both settings and must be safe under each: the check
// does not depend on a session setting the starter cannot see.
func WhereProblem(w string) string {
	if w == "" {
		return ""
	}
	if !utf8.ValidString(w) {
		return "is not valid UTF-8" + whereFix
	}
	if p := scanWhere(w, true); p != "" {
		return p
	}
	if p := scanWhere(w, false); p != "" {
		return p + " (when backslashes escape in '…' strings, as with standard_conforming_strings = off and on Redshift)"
	}
	return ""
}

const whereFix = "; write one predicate such as \"is_deleted = 0\""

// strKind is how a quoted token's body is lexed.
type strKind int

const (
	strStandard strKind = iota // '' doubles a quote, backslash is a plain character
	strEscape                  // E'…': backslash escapes the next byte too
	strBits                    // B'…', X'…': no escapes at all, not even ''
	strIdent                   // "…": "" doubles a quote
)

// scanWhere scans w as PostgreSQL would with the given standard_conforming_strings.
func scanWhere(w string, standard bool) string {
	depth := 0
	for i := 0; i < len(w); {
		c := w[i]
		switch {
		case c == 0:
			return "contains a NUL character" + whereFix
		case c == '\'':
			end, p := skipQuoted(w, i, i+1, plainKind(standard))
			if p != "" {
				return p
			}
			i = end
		case c == '"':
			end, p := skipQuoted(w, i, i+1, strIdent)
			if p != "" {
				return p
			}
			i = end
		case isDigit(c) || (c == '.' && i+1 < len(w) && isDigit(w[i+1])):
			end := skipNumber(w, i)
			if end < len(w) && isIdentCont(w[end]) {
				// PostgreSQL 15+ refuses "trailing junk"; older versions split it, which
				// would make 1e'…' an E-string. Neither is a predicate anyone needs.
				return fmt.Sprintf("has letters right after the number at position %d; separate them with a space%s", i+1, whereFix)
			}
			i = end
		case isIdentStart(c):
			j := i + 1
			for j < len(w) && isIdentCont(w[j]) {
				j++
			}
			word := w[i:j]
			// A one-letter prefix glued to a quote is a string form of its own.
			if j < len(w) && w[j] == '\'' && len(word) == 1 {
				var kind strKind
				switch word[0] | 0x20 {
				case 'e':
					kind = strEscape
				case 'b', 'x':
					kind = strBits
				default: // N'…' is a plain string; any other letter is an identifier before one
					kind = plainKind(standard)
				}
				end, p := skipQuoted(w, i, j+1, kind)
				if p != "" {
					return p
				}
				i = end
				continue
			}
			if len(word) == 1 && word[0]|0x20 == 'u' && j+1 < len(w) && w[j] == '&' && (w[j+1] == '\'' || w[j+1] == '"') {
				// U&'…' never treats backslash as a quote escape (its escapes are
				// \XXXX code points); U&"…" is a quoted identifier.
				kind := strStandard
				if w[j+1] == '"' {
					kind = strIdent
				}
				end, p := skipQuoted(w, i, j+2, kind)
				if p != "" {
					return p
				}
				i = end
				continue
			}
			i = j
		case c == '$':
			return fmt.Sprintf("uses '$' at position %d (dollar quoting or a parameter); use single quotes%s", i+1, whereFix)
		default:
			next, p := scanPunct(w, i, &depth)
			if p != "" {
				return p
			}
			i = next
		}
	}
	if depth != 0 {
		return "unclosed '('" + whereFix
	}
	return ""
}

// scanPunct is what both dialects' scanners do with a character outside strings,
// identifiers and numbers: refuse statement separators and comments, track the
// parentheses' depth, and step over anything else. It returns the next position or a
// problem.
func scanPunct(w string, i int, depth *int) (int, string) {
	c := w[i]
	switch {
	case c == ';':
		return 0, "contains ';': only one predicate is allowed, not several statements" + whereFix
	case c == '-' && i+1 < len(w) && w[i+1] == '-', c == '/' && i+1 < len(w) && w[i+1] == '*':
		return 0, "contains an SQL comment; remove it" + whereFix
	case c == '(':
		*depth++
	case c == ')':
		*depth--
		if *depth < 0 {
			return 0, fmt.Sprintf("unbalanced ')' at position %d%s", i+1, whereFix)
		}
	}
	return i + 1, ""
}

// plainKind is how a '…' string is lexed under the setting.
func plainKind(standard bool) strKind {
	if standard {
		return strStandard
	}
	return strEscape
}

// skipQuoted scans a quoted token whose body starts at body (start is where its
// prefix began, for messages) and returns the index after it, following string
// continuation ('a'<newline>'b' is one literal, lexed with the same kind).
func skipQuoted(w string, start, body int, kind strKind) (int, string) {
	q := byte('\'')
	if kind == strIdent {
		q = '"'
	}
	for {
		j := body
		closed := false
		for j < len(w) {
			c := w[j]
			if c == 0 {
				return 0, "contains a NUL character" + whereFix
			}
			if c == '\\' && kind == strEscape {
				j += 2 // the escaped byte never ends the string
				continue
			}
			if c == q {
				if kind != strBits && j+1 < len(w) && w[j+1] == q {
					j += 2
					continue
				}
				closed = true
				break
			}
			j++
		}
		if !closed {
			name := "'"
			if kind == strIdent {
				name = `"`
			}
			return 0, fmt.Sprintf("unclosed %s quote starting at position %d%s", name, start+1, whereFix)
		}
		end := j + 1
		if kind == strIdent {
			return end, ""
		}
		next, ok := continuation(w, end)
		if !ok {
			return end, ""
		}
		body = next
	}
}

// continuation reports whether a string literal ending at end continues: whitespace
// holding a newline, then another quote. It returns where the next body starts.
// (PostgreSQL also allows a -- comment in that whitespace; comments are refused
// anyway, so not following it only makes the check stricter.)
func continuation(w string, end int) (int, bool) {
	k := end
	for k < len(w) && (w[k] == ' ' || w[k] == '\t' || w[k] == '\f') {
		k++
	}
	if k >= len(w) || (w[k] != '\n' && w[k] != '\r') {
		return 0, false
	}
	for k < len(w) && isSpace(w[k]) {
		k++
	}
	if k < len(w) && w[k] == '\'' {
		return k + 1, true
	}
	return 0, false
}

// skipNumber scans digits[.digits][e[+-]digits] (or .digits…) from i.
func skipNumber(w string, i int) int {
	j := i
	for j < len(w) && isDigit(w[j]) {
		j++
	}
	if j < len(w) && w[j] == '.' && !(j+1 < len(w) && w[j+1] == '.') {
		j++
		for j < len(w) && isDigit(w[j]) {
			j++
		}
	}
	if j < len(w) && (w[j] == 'e' || w[j] == 'E') {
		k := j + 1
		if k < len(w) && (w[k] == '+' || w[k] == '-') {
			k++
		}
		if k < len(w) && isDigit(w[k]) {
			for k < len(w) && isDigit(w[k]) {
				k++
			}
			j = k
		}
	}
	return j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isIdentStart and isIdentCont are PostgreSQL's ident_start and ident_cont: every
// byte of a multi-byte UTF-8 character counts as a letter.
func isIdentStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isIdentCont(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

// WhereProblemFor checks whereClauseCriteria in the source platform's dialect:
// T-SQL for sqlserver, PostgreSQL's lexer for the others (and when the platform is
// not known yet).
func WhereProblemFor(platform, w string) string {
	if platform == PlatformSQLServer {
		return WhereProblemTSQL(w)
	}
	return WhereProblem(w)
}

// WhereProblemTSQL is WhereProblem for SQL Server's T-SQL. Its lexer has fewer string
// forms than PostgreSQL's and none depends on a session setting: '…' and N'…' strings
// (two quotes stand for one, a backslash is an ordinary character), "…" and […]
// delimited identifiers ("" and ]] double their closing character), -- and nested
// /* */ comments. Statement separators (;), comments (they could hide the wrapper's
// closing parenthesis), variables and parameters (@: the extraction binds its own
// @p parameters, which a filter must not read), NUL, invalid UTF-8 and unbalanced
// parentheses are refused. T-SQL needs no ';' between statements, so a balanced
// filter inside `AND (…)` is what keeps it one predicate: T-SQL has no way to end a
// parenthesised expression except ')'.
func WhereProblemTSQL(w string) string {
	if w == "" {
		return ""
	}
	if !utf8.ValidString(w) {
		return "is not valid UTF-8" + whereFix
	}
	depth := 0
	for i := 0; i < len(w); {
		c := w[i]
		switch {
		case c == 0:
			return "contains a NUL character" + whereFix
		case c == '\'' || c == '"' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			end, p := skipTSQLQuoted(w, i, closer)
			if p != "" {
				return p
			}
			i = end
		case (c == 'N' || c == 'n') && i+1 < len(w) && w[i+1] == '\'' && (i == 0 || !isTSQLIdentCont(w[i-1])):
			end, p := skipTSQLQuoted(w, i+1, '\'')
			if p != "" {
				return p
			}
			i = end
		case isTSQLIdentStart(c):
			j := i + 1
			for j < len(w) && isTSQLIdentCont(w[j]) {
				j++
			}
			i = j
		case c == '@':
			return fmt.Sprintf("uses '@' at position %d (a variable or parameter); write literal values%s", i+1, whereFix)
		case c == '*' && i+1 < len(w) && w[i+1] == '/':
			return fmt.Sprintf("contains '*/' at position %d outside a string; remove it%s", i+1, whereFix)
		default:
			next, p := scanPunct(w, i, &depth)
			if p != "" {
				return p
			}
			i = next
		}
	}
	if depth != 0 {
		return "unclosed '('" + whereFix
	}
	return ""
}

// skipTSQLQuoted scans a T-SQL string or delimited identifier opening at w[start]
// and returns the index after its closing character (doubled closers are part of it).
func skipTSQLQuoted(w string, start int, closer byte) (int, string) {
	for j := start + 1; j < len(w); j++ {
		switch w[j] {
		case 0:
			return 0, "contains a NUL character" + whereFix
		case closer:
			if j+1 < len(w) && w[j+1] == closer {
				j++
				continue
			}
			return j + 1, ""
		}
	}
	return 0, fmt.Sprintf("unclosed %c starting at position %d%s", w[start], start+1, whereFix)
}

// isTSQLIdentStart and isTSQLIdentCont follow T-SQL's regular identifiers: a letter,
// _, # or a non-ASCII character first; then also digits, $ and @ (an @ inside a name
// is part of it, so it is no variable).
func isTSQLIdentStart(c byte) bool {
	return c == '_' || c == '#' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isTSQLIdentCont(c byte) bool {
	return isTSQLIdentStart(c) || isDigit(c) || c == '$' || c == '@'
}
