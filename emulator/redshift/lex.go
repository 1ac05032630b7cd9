package redshift

import (
	"strings"
)

// tokKind classifies a lexical token of a SQL text.
type tokKind int

const (
	tokIdent  tokKind = iota // bare identifier or keyword (Up holds it upper-cased)
	tokQIdent                // "quoted identifier" (Val holds the unquoted name)
	tokString                // '…', E'…' or $tag$…$tag$ (Val holds the value)
	tokNumber
	tokParam // $1
	tokPunct // one character, or "::"
)

// token is one lexical token; Pos/End are byte offsets into the text.
type token struct {
	Kind     tokKind
	Val      string
	Up       string
	Pos, End int
}

func (t token) is(up string) bool { return t.Kind == tokIdent && t.Up == up }

func (t token) punct(p string) bool { return t.Kind == tokPunct && t.Val == p }

// lex splits SQL text into tokens, skipping whitespace and comments. It never fails:
// an unterminated literal or comment runs to the end of the text.
func lex(s string) []token {
	var out []token
	i := 0
	n := len(s)
	for i < n {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < n && s[i+1] == '-':
			for i < n && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && s[i+1] == '*':
			depth := 0
			for i < n {
				if i+1 < n && s[i] == '/' && s[i+1] == '*' {
					depth++
					i += 2
				} else if i+1 < n && s[i] == '*' && s[i+1] == '/' {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
		case c == '\'' || ((c == 'E' || c == 'e') && i+1 < n && s[i+1] == '\''):
			start := i
			escapes := c != '\''
			if escapes {
				i++
			}
			i++
			var b strings.Builder
			for i < n {
				if escapes && s[i] == '\\' && i+1 < n {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '\'' {
					if i+1 < n && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			out = append(out, token{Kind: tokString, Val: b.String(), Pos: start, End: i})
		case c == '"':
			start := i
			i++
			var b strings.Builder
			for i < n {
				if s[i] == '"' {
					if i+1 < n && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			out = append(out, token{Kind: tokQIdent, Val: b.String(), Pos: start, End: i})
		case c == '$' && i+1 < n && s[i+1] >= '0' && s[i+1] <= '9':
			start := i
			i++
			for i < n && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			out = append(out, token{Kind: tokParam, Val: s[start:i], Pos: start, End: i})
		case c == '$':
			// dollar quote $tag$…$tag$
			j := i + 1
			for j < n && s[j] != '$' && isIdentChar(s[j]) {
				j++
			}
			if j < n && s[j] == '$' {
				tag := s[i : j+1]
				body := j + 1
				end := strings.Index(s[body:], tag)
				start := i
				if end < 0 {
					out = append(out, token{Kind: tokString, Val: s[body:], Pos: start, End: n})
					i = n
				} else {
					out = append(out, token{Kind: tokString, Val: s[body : body+end], Pos: start, End: body + end + len(tag)})
					i = body + end + len(tag)
				}
			} else {
				out = append(out, token{Kind: tokPunct, Val: "$", Pos: i, End: i + 1})
				i++
			}
		case isIdentStart(c):
			start := i
			for i < n && isIdentChar(s[i]) {
				i++
			}
			v := s[start:i]
			out = append(out, token{Kind: tokIdent, Val: v, Up: strings.ToUpper(v), Pos: start, End: i})
		case c >= '0' && c <= '9' || (c == '.' && i+1 < n && s[i+1] >= '0' && s[i+1] <= '9'):
			start := i
			for i < n && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
				i++
			}
			out = append(out, token{Kind: tokNumber, Val: s[start:i], Pos: start, End: i})
		case c == ':' && i+1 < n && s[i+1] == ':':
			out = append(out, token{Kind: tokPunct, Val: "::", Pos: i, End: i + 2})
			i += 2
		default:
			out = append(out, token{Kind: tokPunct, Val: string(c), Pos: i, End: i + 1})
			i++
		}
	}
	return out
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

// splitStatements splits tokens at top-level semicolons, dropping empty statements.
func splitStatements(toks []token) [][]token {
	var out [][]token
	var cur []token
	for _, t := range toks {
		if t.punct(";") {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// quoteLiteral renders s as a SQL string literal that means s whatever the session's
// standard_conforming_strings: with a backslash it is an escape (E-prefixed) literal.
func quoteLiteral(s string) string {
	if strings.Contains(s, `\`) {
		return "E'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent renders s as a quoted SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
