package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokKind classifies a lexical token of Snowflake SQL.
type TokKind int

// Token kinds.
const (
	TkWord   TokKind = iota // unquoted identifier or keyword; Val is upper-cased
	TkQuoted                // "quoted identifier"; Val is the exact name ("" unescaped)
	TkString                // 'string' or $$string$$; Val is the decoded text
	TkNumber                // 12, 1.5, 1e3, .5
	TkOp                    // punctuation/operator: ( ) , ; . :: : || <= >= <> != => -> ->> etc.
	TkParam                 // bind placeholder: ? or :N; Val is "" for ? and N for :N
	TkColRef                // $1, $2 (staged file columns); Val is the number
	TkStage                 // @stage/path (unquoted); Val is the text after '@'
	TkEOF
)

// Token is one lexical token. Text is the raw source text; Pos its byte offset.
type Token struct {
	Kind TokKind
	Text string
	Val  string
	Pos  int
}

// Is reports whether t is the unquoted word w (w given in upper case).
func (t Token) Is(w string) bool { return t.Kind == TkWord && t.Val == w }

// IsOp reports whether t is the operator/punctuation op.
func (t Token) IsOp(op string) bool { return t.Kind == TkOp && t.Text == op }

// lex splits Snowflake SQL into tokens, dropping whitespace and comments. It handles
// ” and backslash escapes in strings, $$raw strings$$, "quoted ""identifiers""",
// -- and // line comments, /* block comments */, ::, :N and ? placeholders, $1 column
// references and @stage/path references. The final token is always TkEOF.
func lex(src string) ([]Token, error) {
	var toks []Token
	i := 0
	n := len(src)
	for i < n {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < n && src[i+1] == '-', c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, syntaxErr(i, "unterminated comment")
			}
			i += end + 4
		case c == '\'':
			val, j, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, Token{Kind: TkString, Text: src[i:j], Val: val, Pos: i})
			i = j
		case c == '$' && i+1 < n && src[i+1] == '$':
			end := strings.Index(src[i+2:], "$$")
			if end < 0 {
				return nil, syntaxErr(i, "unterminated $$ string")
			}
			j := i + 2 + end + 2
			toks = append(toks, Token{Kind: TkString, Text: src[i:j], Val: src[i+2 : j-2], Pos: i})
			i = j
		case c == '$' && i+1 < n && isDigit(src[i+1]):
			j := i + 1
			for j < n && isDigit(src[j]) {
				j++
			}
			toks = append(toks, Token{Kind: TkColRef, Text: src[i:j], Val: src[i+1 : j], Pos: i})
			i = j
		case c == '"':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < n {
				if src[j] == '"' {
					if j+1 < n && src[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteByte(src[j])
				j++
			}
			if !closed {
				return nil, syntaxErr(i, "unterminated quoted identifier")
			}
			if b.Len() == 0 {
				return nil, syntaxErr(i, "empty quoted identifier")
			}
			toks = append(toks, Token{Kind: TkQuoted, Text: src[i:j], Val: b.String(), Pos: i})
			i = j
		case isDigit(c) || (c == '.' && i+1 < n && isDigit(src[i+1])):
			j := i
			for j < n && isDigit(src[j]) {
				j++
			}
			if j < n && src[j] == '.' {
				j++
				for j < n && isDigit(src[j]) {
					j++
				}
			}
			if j < n && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < n && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < n && isDigit(src[k]) {
					for k < n && isDigit(src[k]) {
						k++
					}
					j = k
				}
			}
			toks = append(toks, Token{Kind: TkNumber, Text: src[i:j], Val: src[i:j], Pos: i})
			i = j
		case c == '@':
			j := i + 1
			inQuote := false
			for j < n {
				ch := src[j]
				if ch == '"' {
					inQuote = !inQuote
				} else if !inQuote && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ')' || ch == ',' || ch == ';' || ch == '(') {
					break
				}
				j++
			}
			toks = append(toks, Token{Kind: TkStage, Text: src[i:j], Val: src[i+1 : j], Pos: i})
			i = j
		case c == '?':
			toks = append(toks, Token{Kind: TkParam, Text: "?", Pos: i})
			i++
		case c == ':' && i+1 < n && src[i+1] == ':':
			toks = append(toks, Token{Kind: TkOp, Text: "::", Pos: i})
			i += 2
		case c == ':' && i+1 < n && isDigit(src[i+1]) && !prevIsOperand(toks):
			j := i + 1
			for j < n && isDigit(src[j]) {
				j++
			}
			toks = append(toks, Token{Kind: TkParam, Text: src[i:j], Val: src[i+1 : j], Pos: i})
			i = j
		case isIdentStart(src, i):
			j := i
			for j < n {
				r, sz := utf8.DecodeRuneInString(src[j:])
				if r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r) {
					j += sz
					continue
				}
				break
			}
			w := src[i:j]
			toks = append(toks, Token{Kind: TkWord, Text: w, Val: strings.ToUpper(w), Pos: i})
			i = j
		default:
			op := lexOp(src, i)
			if op == "" {
				return nil, syntaxErr(i, "unexpected character '"+string(c)+"'")
			}
			toks = append(toks, Token{Kind: TkOp, Text: op, Pos: i})
			i += len(op)
		}
	}
	toks = append(toks, Token{Kind: TkEOF, Pos: n})
	return toks, nil
}

// prevIsOperand reports whether the previous token ends an operand, in which case a
// following ":digits" is a variant path step (v:1 is not valid, but arr:0 style is
// rare); we treat ':N' after an operand as path access, else as a bind placeholder.
func prevIsOperand(toks []Token) bool {
	if len(toks) == 0 {
		return false
	}
	t := toks[len(toks)-1]
	switch t.Kind {
	case TkQuoted, TkNumber, TkString, TkColRef:
		return true
	case TkWord:
		return !isKeyword(t.Val)
	case TkOp:
		return t.Text == ")" || t.Text == "]"
	}
	return false
}

func lexString(src string, i int) (string, int, error) {
	var b strings.Builder
	j := i + 1
	n := len(src)
	for j < n {
		ch := src[j]
		switch {
		case ch == '\'' && j+1 < n && src[j+1] == '\'':
			b.WriteByte('\'')
			j += 2
		case ch == '\'':
			return b.String(), j + 1, nil
		case ch == '\\' && j+1 < n:
			esc := src[j+1]
			switch esc {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			default:
				b.WriteByte(esc)
			}
			j += 2
		default:
			b.WriteByte(ch)
			j++
		}
	}
	return "", 0, syntaxErr(i, "unterminated string literal")
}

var multiOps = []string{"->>", "||", "<=", ">=", "<>", "!=", "=>", "->", "==", "::"}

func lexOp(src string, i int) string {
	for _, op := range multiOps {
		if strings.HasPrefix(src[i:], op) {
			return op
		}
	}
	switch src[i] {
	case '(', ')', ',', ';', '.', '+', '-', '*', '/', '%', '=', '<', '>', '[', ']', '{', '}', '~', '!', '^', '&', '|', ':':
		return src[i : i+1]
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(src string, i int) bool {
	r, _ := utf8.DecodeRuneInString(src[i:])
	return r == '_' || unicode.IsLetter(r)
}

func syntaxErr(pos int, msg string) *Error {
	return Errorf(ErrSyntax, "42000", "SQL compilation error: syntax error at position %d: %s", pos, msg)
}

// eofPad is how many extra EOF tokens padEOF appends: parsers look ahead a few tokens
// without bounds checks, and padding makes that safe for any input.
const eofPad = 8

// padEOF appends eofPad EOF tokens after the final one.
func padEOF(toks []Token) []Token {
	eof := toks[len(toks)-1]
	for k := 0; k < eofPad; k++ {
		toks = append(toks, eof)
	}
	return toks
}

// stmtEnd is the index of the first EOF token (the end of the statement's tokens).
func stmtEnd(toks []Token) int {
	for k, t := range toks {
		if t.Kind == TkEOF {
			return k
		}
	}
	return len(toks)
}

// checkBalanced rejects unbalanced parentheses/brackets up front, so the translator
// can rely on every '(' having its ')'.
func checkBalanced(toks []Token) error {
	var stack []Token
	for _, t := range toks {
		if t.Kind != TkOp {
			continue
		}
		switch t.Text {
		case "(", "[":
			stack = append(stack, t)
		case ")", "]":
			want := "("
			if t.Text == "]" {
				want = "["
			}
			if len(stack) == 0 || stack[len(stack)-1].Text != want {
				return syntaxErr(t.Pos, "unexpected '"+t.Text+"'")
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return syntaxErr(stack[len(stack)-1].Pos, "missing closing parenthesis for '"+stack[len(stack)-1].Text+"'")
	}
	return nil
}
