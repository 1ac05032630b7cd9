package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// stageRef is a parsed stage location: @name[/path], @~[/path] or @%table[/path].
type stageRef struct {
	Kind    byte   // 'n' named stage, 'u' user stage (@~), 't' table stage (@%t)
	RawName string // the name as written (named and table stages)
	Path    string // path below the stage root, without a leading '/'
}

// parseStageRef parses the text after '@'.
func parseStageRef(v string) (stageRef, error) {
	var r stageRef
	switch {
	case strings.HasPrefix(v, "~"):
		r.Kind = 'u'
		v = v[1:]
	case strings.HasPrefix(v, "%"):
		r.Kind = 't'
		v = v[1:]
	default:
		r.Kind = 'n'
	}
	if r.Kind != 'u' {
		end := len(v)
		inQuote := false
		for i := 0; i < len(v); i++ {
			if v[i] == '"' {
				inQuote = !inQuote
			} else if v[i] == '/' && !inQuote {
				end = i
				break
			}
		}
		r.RawName = v[:end]
		v = v[end:]
		if r.RawName == "" {
			return r, Errorf(ErrSyntax, "42000", "SQL compilation error: missing stage name after '@'")
		}
	}
	r.Path = strings.TrimLeft(v, "/")
	return r, nil
}

// stageRefToken reads a stage location token: @ref or '@ref' (quoted form).
func (p *stageParser) stageRefToken() (stageRef, error) {
	t := p.peek()
	switch {
	case t.Kind == stStage:
		p.next()
		return parseStageRef(t.Value)
	case t.Kind == stString && strings.HasPrefix(t.Value, "@"):
		p.next()
		return parseStageRef(t.Value[1:])
	}
	return stageRef{}, p.errorf("expected a stage location (@stage/path)")
}

// resolvedStage is a stage ready for file operations.
type resolvedStage struct {
	Def     *stageDef // nil for user and table stages
	Name    objName   // the stage (or table) name
	Store   stageStore
	Root    string // local directory of an internal stage ("" for external)
	Path    string
	Display string // prefix of LIST names: "stage/", "" for @~ and @%t, the URL for S3
}

// resolveStage looks up the stage of ref. Missing stages are error 2003.
func resolveStage(ctx context.Context, h stageHost, ref stageRef) (*resolvedStage, error) {
	// Absolute: PUT hands this directory to the client, whose working directory differs.
	dataDir, err := filepath.Abs(h.dataDir())
	if err != nil {
		return nil, fmt.Errorf("stage: data directory %q: %w", h.dataDir(), err)
	}
	stagesDir := filepath.Join(dataDir, "stages")
	switch ref.Kind {
	case 'u':
		root := filepath.Join(stagesDir, "_user")
		return &resolvedStage{Store: localStore{root}, Root: root, Path: ref.Path}, nil
	case 't':
		n, err := h.resolve(ref.RawName)
		if err != nil {
			return nil, err
		}
		tbl, err := h.table(ctx, n)
		if err != nil {
			return nil, err
		}
		if tbl == nil {
			return nil, notExists("Table", n)
		}
		root := filepath.Join(stagesDir, safeComponent(n.DB), safeComponent(n.Schema), "_table", safeComponent(n.Name))
		return &resolvedStage{Name: n, Store: localStore{root}, Root: root, Path: ref.Path}, nil
	}
	n, err := h.resolve(ref.RawName)
	if err != nil {
		return nil, err
	}
	cat, err := stageCatalogFor(h.dataDir())
	if err != nil {
		return nil, err
	}
	def := cat.getStage(n.DB, n.Schema, n.Name)
	if def == nil {
		return nil, notExists("Stage", n)
	}
	rs := &resolvedStage{Def: def, Name: n, Path: ref.Path}
	if def.external() {
		st, err := newS3Store(h.s3Endpoint(), def)
		if err != nil {
			return nil, err
		}
		rs.Store = st
		rs.Display = strings.TrimSuffix(def.URL, "/") + "/"
		return rs, nil
	}
	rs.Root = internalStageDir(dataDir, n)
	rs.Store = localStore{rs.Root}
	rs.Display = strings.ToLower(n.Name) + "/"
	return rs, nil
}

// internalStageDir is DataDir/stages/<db>/<schema>/<stage>.
func internalStageDir(dataDir string, n objName) string {
	return filepath.Join(dataDir, "stages", safeComponent(n.DB), safeComponent(n.Schema), safeComponent(n.Name))
}
