package tsql

import (
	"strings"
)

// Kind is a token kind.
type Kind int

// Token kinds.
const (
	EOF Kind = iota
	Ident
	QIdent // [x] or "x"
	String // 'x' or N'x'
	Number
	Binary // 0x...
	Var    // @x
	SysVar // @@x
	Op     // operators and punctuation other than those below
	LParen
	RParen
	Comma
	Dot
	Semi
	Raw // engine SQL inserted by the translator itself, emitted verbatim
)

// Token is one lexical token; Val is the unquoted value of identifiers and strings.
type Token struct {
	Kind Kind
	Text string
	Val  string
	N    bool // N'' literal
	Pos  int
}

// Is reports whether the token is the (unquoted) keyword kw, case-insensitively.
func (t Token) Is(kw string) bool { return t.Kind == Ident && strings.EqualFold(t.Val, kw) }

// IsName reports whether the token can be an object name.
func (t Token) IsName() bool { return t.Kind == Ident || t.Kind == QIdent }

// Lex splits T-SQL into tokens, dropping comments and white space.
func Lex(s string) ([]Token, error) {
	var out []Token
	i := 0
	for i < len(s) {
		c := s[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			depth := 0
			for i < len(s) {
				if strings.HasPrefix(s[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(s[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			if depth != 0 {
				return nil, Errf(113, 1, 15, "Missing end comment mark '*/'.")
			}
			continue
		case c == '\'' || ((c == 'N' || c == 'n') && i+1 < len(s) && s[i+1] == '\''):
			isN := c != '\''
			if isN {
				i++
			}
			val, end, ok := readQuoted(s, i+1, '\'')
			i = end
			if !ok {
				return nil, Errf(105, 1, 15, "Unclosed quotation mark after the character string '%s'.", val)
			}
			out = append(out, Token{Kind: String, Text: s[start:i], Val: val, N: isN, Pos: start})
			continue
		case c == '[':
			val, end, ok := readQuoted(s, i+1, ']')
			i = end
			if !ok {
				return nil, Errf(105, 1, 15, "Unclosed quotation mark after the character string '%s'.", val)
			}
			out = append(out, Token{Kind: QIdent, Text: s[start:i], Val: val, Pos: start})
			continue
		case c == '"':
			val, end, ok := readQuoted(s, i+1, '"')
			i = end
			if !ok {
				return nil, Errf(105, 1, 15, "Unclosed quotation mark after the character string '%s'.", val)
			}
			out = append(out, Token{Kind: QIdent, Text: s[start:i], Val: val, Pos: start})
			continue
		case c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X'):
			i += 2
			for i < len(s) && isHex(s[i]) {
				i++
			}
			out = append(out, Token{Kind: Binary, Text: s[start:i], Val: s[start+2 : i], Pos: start})
			continue
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
				i++
			}
			if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
				j := i + 1
				if j < len(s) && (s[j] == '+' || s[j] == '-') {
					j++
				}
				if j < len(s) && isDigit(s[j]) {
					i = j
					for i < len(s) && isDigit(s[i]) {
						i++
					}
				}
			}
			out = append(out, Token{Kind: Number, Text: s[start:i], Val: s[start:i], Pos: start})
			continue
		case c == '@':
			k := Var
			i++
			if i < len(s) && s[i] == '@' {
				k = SysVar
				i++
			}
			for i < len(s) && isIdentChar(s[i]) {
				i++
			}
			out = append(out, Token{Kind: k, Text: s[start:i], Val: s[start:i], Pos: start})
			continue
		case isIdentStart(c):
			for i < len(s) && isIdentChar(s[i]) {
				i++
			}
			out = append(out, Token{Kind: Ident, Text: s[start:i], Val: s[start:i], Pos: start})
			continue
		}
		// punctuation
		k := Op
		switch c {
		case '(':
			k = LParen
		case ')':
			k = RParen
		case ',':
			k = Comma
		case '.':
			k = Dot
		case ';':
			k = Semi
		}
		n := 1
		if k == Op && i+1 < len(s) {
			two := s[i : i+2]
			switch two {
			case "<=", ">=", "<>", "!=", "!<", "!>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=":
				n = 2
			}
		}
		if k == Op && !strings.ContainsRune("=<>!+-*/%&|^~:", rune(c)) {
			return nil, SyntaxNear(string(c))
		}
		i += n
		out = append(out, Token{Kind: k, Text: s[start:i], Val: s[start:i], Pos: start})
	}
	return out, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
func isIdentStart(c byte) bool {
	return c == '_' || c == '#' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' || c == '@' }

// statementStarts are the keywords that begin a new statement in a batch written without
// semicolons.
var statementStarts = map[string]bool{
	"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "CREATE": true,
	"DROP": true, "ALTER": true, "USE": true, "SET": true, "BEGIN": true, "COMMIT": true,
	"ROLLBACK": true, "TRUNCATE": true, "DECLARE": true, "PRINT": true, "EXEC": true,
	"EXECUTE": true, "WITH": true, "IF": true, "WHILE": true, "MERGE": true, "SAVE": true,
	"RETURN": true, "GO": true,
}

// Split divides a batch's tokens into statements.
func Split(toks []Token) [][]Token {
	var out [][]Token
	var cur []Token
	depth := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	for i, t := range toks {
		switch t.Kind {
		case LParen:
			depth++
		case RParen:
			depth--
		case Semi:
			if depth <= 0 {
				flush()
				depth = 0
				continue
			}
		}
		if depth == 0 && t.Kind == Ident && len(cur) > 0 && statementStarts[strings.ToUpper(t.Val)] && !continues(cur, toks, i) {
			flush()
		}
		cur = append(cur, t)
	}
	flush()
	return out
}

// continues reports whether keyword toks[i] belongs to the statement cur (INSERT …
// SELECT, UNION SELECT, WITH … SELECT, BEGIN TRAN, SET in UPDATE, ...).
func continues(cur, toks []Token, i int) bool {
	kw := strings.ToUpper(toks[i].Val)
	first := strings.ToUpper(cur[0].Val)
	prev := cur[len(cur)-1]
	switch kw {
	case "SELECT":
		if first == "INSERT" || first == "WITH" || (first == "CREATE" && len(cur) > 1 && cur[1].Is("VIEW")) {
			return true
		}
		if prev.Is("UNION") || prev.Is("ALL") || prev.Is("EXCEPT") || prev.Is("INTERSECT") || prev.Is("AS") {
			return true
		}
	case "SET":
		return (first == "UPDATE" && !hasKeyword(cur, "SET")) || first == "ALTER"
	case "WITH":
		// table hints and index options: WITH (NOLOCK), WITH (PAD_INDEX ...)
		return i+1 < len(toks) && toks[i+1].Kind == LParen || first == "CREATE" || first == "BEGIN" || first == "ALTER"
	case "DELETE", "UPDATE", "INSERT":
		// ON DELETE CASCADE / ON UPDATE in constraints; WITH cte AS (…) INSERT …
		return prev.Is("ON") || first == "GRANT" || first == "MERGE" || (first == "WITH" && prev.Kind == RParen)
	case "IF":
		return first == "DROP" || prev.Is("IF")
	case "EXEC", "EXECUTE":
		return first == "INSERT"
	case "ROLLBACK":
		// ALTER DATABASE … WITH ROLLBACK IMMEDIATE
		return first == "ALTER"
	}
	return false
}

func hasKeyword(ts []Token, kw string) bool {
	for _, t := range ts {
		if t.Is(kw) {
			return true
		}
	}
	return false
}

// readQuoted reads a quoted string, bracketed or quoted identifier from s[i:] up to the
// closing character q, where a doubled q stands for one q (T-SQL's only escape in all
// three forms). It returns the value, the index after the closing q (or len(s)), and
// whether the closing q was found.
func readQuoted(s string, i int, q byte) (string, int, bool) {
	var b strings.Builder
	for i < len(s) {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				b.WriteByte(q)
				i += 2
				continue
			}
			return b.String(), i + 1, true
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String(), i, false
}
