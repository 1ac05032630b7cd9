package engine

import (
	"strings"
)

// copyStmt is a parsed COPY INTO <table> statement.
type copyStmt struct {
	Table     string   // table name as written
	Columns   []string // explicit target columns (exact Snowflake names), nil = all
	Ref       stageRef
	Transform *copyTransform // FROM (SELECT ...) form
	Opts      stageOpts      // FILES, PATTERN, FILE_FORMAT, ON_ERROR, ...
}

// copyTransform is the SELECT list of COPY INTO t FROM (SELECT ... FROM @stage).
type copyTransform struct {
	Exprs []string // Snowflake expressions as written ($1:col::NUMBER(10,2), ...)
	Alias string   // optional alias of the staged file (t.$1)
}

// parseCopy parses COPY INTO table ... FROM ...; the parser stands after COPY.
func parseCopy(p *stageParser) (*copyStmt, error) {
	if err := p.expect("INTO"); err != nil {
		return nil, err
	}
	if t := p.peek(); t.Kind == stStage || t.Kind == stString {
		return nil, Errorf(ErrSyntax, "0A000", "SQL compilation error: COPY INTO <location> (unloading to a stage) is not supported by the emulator; unload with SELECT instead")
	}
	st := &copyStmt{}
	var err error
	if st.Table, err = p.objectName("table"); err != nil {
		return nil, err
	}
	if p.acceptPunct("(") {
		for {
			t := p.next()
			switch t.Kind {
			case stWord:
				st.Columns = append(st.Columns, strings.ToUpper(t.Value))
			case stQIdent:
				st.Columns = append(st.Columns, t.Value)
			default:
				return nil, p.errorf("expected a column name")
			}
			if p.acceptPunct(")") {
				break
			}
			if err := p.expectPunct(","); err != nil {
				return nil, err
			}
		}
	}
	if err := p.expect("FROM"); err != nil {
		return nil, err
	}
	inner := stageOpts{}
	if p.acceptPunct("(") {
		if inner, err = parseCopyTransform(p, st); err != nil {
			return nil, err
		}
	} else if st.Ref, err = p.stageRefToken(); err != nil {
		return nil, err
	}
	if st.Opts, err = p.parseOptions(); err != nil {
		return nil, err
	}
	// Options inside the transformation (FILE_FORMAT =>, PATTERN =>) yield to the
	// statement's own.
	for k, v := range inner {
		if _, ok := st.Opts[k]; !ok {
			st.Opts[k] = v
		}
	}
	if !p.atEnd() {
		return nil, p.errorf("unexpected text in COPY options")
	}
	return st, nil
}

// parseCopyTransform reads SELECT expr, ... FROM @stage[/path] [(opts)] [[AS] alias] ')'.
func parseCopyTransform(p *stageParser, st *copyStmt) (stageOpts, error) {
	if err := p.expect("SELECT"); err != nil {
		return nil, err
	}
	tr := &copyTransform{}
	depth := 0
	start := -1
	end := -1
	for {
		t := p.peek()
		if t.Kind == stEOF {
			return nil, p.errorf("unterminated COPY transformation: expected FROM @stage")
		}
		if depth == 0 && (t.is("FROM") || t.punct(",")) {
			if start < 0 {
				return nil, p.errorf("empty expression in COPY transformation")
			}
			tr.Exprs = append(tr.Exprs, p.sql[start:end])
			start = -1
			p.next()
			if t.is("FROM") {
				break
			}
			continue
		}
		if t.punct("(") {
			depth++
		} else if t.punct(")") {
			depth--
			if depth < 0 {
				return nil, p.errorf("unbalanced ')' in COPY transformation")
			}
		}
		if start < 0 {
			start = t.Pos
		}
		end = t.End
		p.next()
	}
	var err error
	if st.Ref, err = p.stageRefToken(); err != nil {
		return nil, err
	}
	// (FILE_FORMAT => 'name', PATTERN => 're') after the stage.
	inner := stageOpts{}
	if p.acceptPunct("(") {
		for !p.acceptPunct(")") {
			key := p.next()
			if key.Kind != stWord {
				return nil, p.errorf("expected FILE_FORMAT => or PATTERN =>")
			}
			if !(p.acceptPunct("=") && p.acceptPunct(">")) {
				return nil, p.errorf("expected '=>' after %s", key.Value)
			}
			val := p.next()
			if val.Kind != stString && val.Kind != stWord {
				return nil, p.errorf("expected a value for %s", key.Value)
			}
			k := strings.ToUpper(key.Value)
			if k == "FILE_FORMAT" {
				inner["FILE_FORMAT"] = optVal{Nested: stageOpts{"FORMAT_NAME": {Str: val.Value, Quoted: val.Kind == stString}}}
			} else {
				inner[k] = optVal{Str: val.Value, Quoted: val.Kind == stString}
			}
			p.acceptPunct(",")
		}
	}
	p.accept("AS")
	if t := p.peek(); t.Kind == stWord || t.Kind == stQIdent {
		tr.Alias = t.Value
		p.next()
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	st.Transform = tr
	return inner, nil
}
