package engine

import (
	"fmt"
	"strings"
	"unicode"
)

// The stage statements (PUT, LIST, REMOVE, COPY, CREATE STAGE/FILE FORMAT) contain
// tokens no general SQL lexer expects: unquoted file URLs (file:///tmp/a*.csv) and
// stage references with slashes (@db.s."St"/a/b/). This small scanner knows those
// shapes; it only has to cover the grammar of these statements. Expressions inside a
// COPY transform are cut out as raw text and handed to the engine's translator.

type stokKind int

const (
	stEOF     stokKind = iota
	stWord             // unquoted identifier or keyword
	stQIdent           // "quoted identifier" (Value is the unescaped name)
	stString           // 'string' (Value is the unescaped content)
	stNumber           // 123, 1.5, -2
	stPunct            // ( ) , = ; . and anything else of one character
	stStage            // @stage/path (Value is the text after '@', quotes kept)
	stFileURL          // file://... (Value is the text as written)
)

type stok struct {
	Kind  stokKind
	Value string
	Pos   int // byte offset of the token start
	End   int // byte offset after the token
}

// upper returns the keyword spelling of a word token ("" for other kinds).
func (t stok) upper() string {
	if t.Kind != stWord {
		return ""
	}
	return strings.ToUpper(t.Value)
}

func (t stok) is(kw string) bool   { return t.Kind == stWord && strings.EqualFold(t.Value, kw) }
func (t stok) punct(p string) bool { return t.Kind == stPunct && t.Value == p }

// scanStage tokenizes sql. Unterminated quotes are reported as syntax errors.
func scanStage(sql string) ([]stok, error) {
	var toks []stok
	i := 0
	n := len(sql)
	for i < n {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < n && sql[i+1] == '-', c == '/' && i+1 < n && sql[i+1] == '/':
			for i < n && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: unterminated comment")
			}
			i += end + 4
		case c == '\'':
			v, end, err := scanQuoted(sql, i, '\'', true)
			if err != nil {
				return nil, err
			}
			toks = append(toks, stok{Kind: stString, Value: v, Pos: i, End: end})
			i = end
		case c == '"':
			v, end, err := scanQuoted(sql, i, '"', false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, stok{Kind: stQIdent, Value: v, Pos: i, End: end})
			i = end
		case c == '@':
			end := scanPathEnd(sql, i+1)
			toks = append(toks, stok{Kind: stStage, Value: sql[i+1 : end], Pos: i, End: end})
			i = end
		case (c == 'f' || c == 'F') && strings.HasPrefix(strings.ToLower(sql[i:]), "file://"):
			end := scanPathEnd(sql, i)
			toks = append(toks, stok{Kind: stFileURL, Value: sql[i:end], Pos: i, End: end})
			i = end
		case isWordStart(c):
			j := i + 1
			for j < n && isWordPart(sql[j]) {
				j++
			}
			toks = append(toks, stok{Kind: stWord, Value: sql[i:j], Pos: i, End: j})
			i = j
		case c >= '0' && c <= '9' || (c == '-' || c == '+') && i+1 < n && sql[i+1] >= '0' && sql[i+1] <= '9':
			j := i + 1
			for j < n && (sql[j] >= '0' && sql[j] <= '9' || sql[j] == '.') {
				j++
			}
			toks = append(toks, stok{Kind: stNumber, Value: sql[i:j], Pos: i, End: j})
			i = j
		default:
			toks = append(toks, stok{Kind: stPunct, Value: string(c), Pos: i, End: i + 1})
			i++
		}
	}
	toks = append(toks, stok{Kind: stEOF, Pos: n, End: n})
	return toks, nil
}

func isWordStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWordPart(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' }

// scanPathEnd finds the end of an unquoted stage reference or file URL: whitespace,
// ';', ',' or an unbalanced ')' ends it; double quotes inside (@"My Stage"/x) are kept.
func scanPathEnd(sql string, i int) int {
	inQuote := false
	for ; i < len(sql); i++ {
		c := sql[i]
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if unicode.IsSpace(rune(c)) || c == ';' || c == ',' || c == ')' || c == '(' {
			return i
		}
	}
	return i
}

// scanQuoted reads a quoted token starting at sql[start] == q. Doubled quotes are the
// quote itself; in strings (escapes=true) backslash escapes are decoded as Snowflake does.
func scanQuoted(sql string, start int, q byte, escapes bool) (string, int, error) {
	var b strings.Builder
	i := start + 1
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == q && i+1 < len(sql) && sql[i+1] == q:
			b.WriteByte(q)
			i += 2
		case c == q:
			return b.String(), i + 1, nil
		case escapes && c == '\\' && i+1 < len(sql):
			b.WriteString(unescapeChar(sql[i+1]))
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	what := "string literal"
	if q == '"' {
		what = "quoted identifier"
	}
	return "", 0, Errorf(ErrSyntax, "42000", "SQL compilation error: unterminated %s starting at position %d", what, start)
}

func unescapeChar(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case 'r':
		return "\r"
	case '0':
		return "\x00"
	case 'b':
		return "\b"
	case 'f':
		return "\f"
	default:
		return string(c)
	}
}

// stageParser walks the tokens of one statement.
type stageParser struct {
	sql  string
	toks []stok
	i    int
}

func newStageParser(sql string) (*stageParser, error) {
	toks, err := scanStage(sql)
	if err != nil {
		return nil, err
	}
	return &stageParser{sql: sql, toks: toks}, nil
}

func (p *stageParser) peek() stok { return p.toks[p.i] }

func (p *stageParser) peekAt(k int) stok {
	if p.i+k >= len(p.toks) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[p.i+k]
}

func (p *stageParser) next() stok {
	t := p.toks[p.i]
	if t.Kind != stEOF {
		p.i++
	}
	return t
}

// accept consumes the keyword sequence kws if it is next and reports whether it did.
func (p *stageParser) accept(kws ...string) bool {
	for k, kw := range kws {
		if !p.peekAt(k).is(kw) {
			return false
		}
	}
	p.i += len(kws)
	return true
}

func (p *stageParser) acceptPunct(s string) bool {
	if p.peek().punct(s) {
		p.i++
		return true
	}
	return false
}

func (p *stageParser) expect(kws ...string) error {
	if !p.accept(kws...) {
		return p.errorf("expected %s", strings.Join(kws, " "))
	}
	return nil
}

func (p *stageParser) expectPunct(s string) error {
	if !p.acceptPunct(s) {
		return p.errorf("expected '%s'", s)
	}
	return nil
}

// atEnd reports whether only an optional ';' remains.
func (p *stageParser) atEnd() bool {
	for p.peek().punct(";") {
		p.i++
	}
	return p.peek().Kind == stEOF
}

func (p *stageParser) errorf(format string, args ...any) *Error {
	t := p.peek()
	near := "end of statement"
	if t.Kind != stEOF {
		near = "'" + p.sql[t.Pos:t.End] + "'"
	}
	return Errorf(ErrSyntax, "42000", "SQL compilation error: syntax error at position %d near %s: %s",
		t.Pos, near, fmt.Sprintf(format, args...))
}

// objectName reads a possibly qualified name (a.b.c, quoted parts allowed) and returns
// the raw text as written, for the engine's name resolution.
func (p *stageParser) objectName(what string) (string, error) {
	t := p.peek()
	if t.Kind != stWord && t.Kind != stQIdent {
		return "", p.errorf("expected %s name", what)
	}
	start := t.Pos
	end := t.End
	p.next()
	for p.peek().punct(".") {
		p.next()
		t = p.peek()
		if t.Kind != stWord && t.Kind != stQIdent {
			return "", p.errorf("expected %s name after '.'", what)
		}
		end = t.End
		p.next()
	}
	return p.sql[start:end], nil
}
