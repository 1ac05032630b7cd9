package engine

import (
	"strconv"
	"strings"
)

// optVal is the value of one KEY = value option: a scalar (string, number or keyword),
// a list ('a', 'b'), or a nested option list (TYPE = CSV SKIP_HEADER = 1).
type optVal struct {
	Str    string
	Quoted bool // the scalar was a 'string' literal
	List   []string
	IsList bool
	Nested stageOpts
}

// stageOpts maps upper-case option names to values, in the order written.
type stageOpts map[string]optVal

// parseOptions reads KEY [=] value pairs until a token that cannot start an option
// (end of statement, ')' or a keyword in stop).
func (p *stageParser) parseOptions(stop ...string) (stageOpts, error) {
	opts := stageOpts{}
	for {
		t := p.peek()
		if t.Kind != stWord {
			return opts, nil
		}
		key := t.upper()
		for _, s := range stop {
			if key == s {
				return opts, nil
			}
		}
		p.next()
		p.acceptPunct("=")
		v, err := p.optionValue(key)
		if err != nil {
			return nil, err
		}
		opts[key] = v
	}
}

func (p *stageParser) optionValue(key string) (optVal, error) {
	t := p.peek()
	switch t.Kind {
	case stString:
		p.next()
		return optVal{Str: t.Value, Quoted: true}, nil
	case stWord, stNumber:
		p.next()
		return optVal{Str: t.Value}, nil
	case stPunct:
		if t.Value != "(" {
			break
		}
		p.next()
		// Nested option list: '(' WORD '=' ...; otherwise a value list.
		if p.peek().Kind == stWord && p.peekAt(1).punct("=") {
			nested, err := p.parseOptions()
			if err != nil {
				return optVal{}, err
			}
			if err := p.expectPunct(")"); err != nil {
				return optVal{}, err
			}
			return optVal{Nested: nested}, nil
		}
		var list []string
		for !p.peek().punct(")") {
			v := p.next()
			switch v.Kind {
			case stString, stWord, stNumber, stQIdent:
				list = append(list, v.Value)
			default:
				return optVal{}, p.errorf("bad value in list for %s", key)
			}
			if !p.acceptPunct(",") {
				break
			}
		}
		if err := p.expectPunct(")"); err != nil {
			return optVal{}, err
		}
		return optVal{List: list, IsList: true}, nil
	}
	return optVal{}, p.errorf("missing value for option %s", key)
}

// values returns the option as a list: a list as written, a scalar as one element.
func (v optVal) values() []string {
	if v.IsList {
		return v.List
	}
	return []string{v.Str}
}

// boolOpt reads TRUE/FALSE options; absent means def.
func (o stageOpts) boolOpt(key string, def bool) (bool, error) {
	v, ok := o[key]
	if !ok {
		return def, nil
	}
	switch strings.ToUpper(v.Str) {
	case "TRUE", "T", "YES", "Y", "ON", "1":
		return true, nil
	case "FALSE", "F", "NO", "N", "OFF", "0":
		return false, nil
	}
	return false, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid value [%s] for parameter '%s': use TRUE or FALSE", v.Str, key)
}

// intOpt reads integer options; absent means def.
func (o stageOpts) intOpt(key string, def int) (int, error) {
	v, ok := o[key]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v.Str)
	if err != nil {
		return 0, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid value [%s] for parameter '%s': expected an integer", v.Str, key)
	}
	return n, nil
}

// str returns a scalar option upper-cased (for enumerations) or def.
func (o stageOpts) enum(key, def string) string {
	v, ok := o[key]
	if !ok {
		return def
	}
	return strings.ToUpper(v.Str)
}
