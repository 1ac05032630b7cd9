package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Stage and file format definitions live in one JSON file under DataDir/stages. They
// are DDL (which in Snowflake is never rolled back), so they need no transaction; the
// file is rewritten atomically (temp file + rename) on each change and survives restarts.

// stageDef is one named stage.
type stageDef struct {
	DB, Schema, Name string
	URL              string `json:",omitempty"` // s3://bucket/prefix/ for external stages
	AWSKeyID         string `json:",omitempty"`
	AWSSecretKey     string `json:",omitempty"`
	AWSToken         string `json:",omitempty"`
	FileFormat       stageOpts
	CopyOptions      stageOpts `json:",omitempty"`
	Comment          string    `json:",omitempty"`
	Created          time.Time
}

func (d *stageDef) external() bool { return d.URL != "" }

// fileFormatDef is one named file format (CREATE FILE FORMAT).
type fileFormatDef struct {
	DB, Schema, Name string
	Options          stageOpts
	Comment          string `json:",omitempty"`
	Created          time.Time
}

type catalogFile struct {
	Stages  []*stageDef
	Formats []*fileFormatDef
}

// stageCatalog is the in-memory view of DataDir/stages/catalog.json.
type stageCatalog struct {
	mu      sync.Mutex
	path    string
	stages  map[string]*stageDef
	formats map[string]*fileFormatDef
}

// catalogs holds one catalog per data directory: the engine value belongs to another
// part of the package, so the catalog is looked up by the directory it persists in.
var catalogs sync.Map // abs data dir -> *stageCatalog

func catalogKey(db, schema, name string) string { return db + "\x00" + schema + "\x00" + name }

// stageCatalogFor returns (loading on first use) the catalog of a data directory.
func stageCatalogFor(dataDir string) (*stageCatalog, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("stage catalog: data dir %q: %w", dataDir, err)
	}
	if c, ok := catalogs.Load(abs); ok {
		return c.(*stageCatalog), nil
	}
	c := &stageCatalog{
		path:    filepath.Join(abs, "stages", "catalog.json"),
		stages:  map[string]*stageDef{},
		formats: map[string]*fileFormatDef{},
	}
	data, err := os.ReadFile(c.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("stage catalog: read %s: %w", c.path, err)
	default:
		var f catalogFile
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("stage catalog: %s is corrupt (fix or delete it): %w", c.path, err)
		}
		for _, s := range f.Stages {
			c.stages[catalogKey(s.DB, s.Schema, s.Name)] = s
		}
		for _, ff := range f.Formats {
			c.formats[catalogKey(ff.DB, ff.Schema, ff.Name)] = ff
		}
	}
	actual, _ := catalogs.LoadOrStore(abs, c)
	return actual.(*stageCatalog), nil
}

// save writes the catalog; the caller holds mu.
func (c *stageCatalog) save() error {
	var f catalogFile
	for _, s := range c.stages {
		f.Stages = append(f.Stages, s)
	}
	for _, ff := range c.formats {
		f.Formats = append(f.Formats, ff)
	}
	sort.Slice(f.Stages, func(i, j int) bool { return stageLess(f.Stages[i], f.Stages[j]) })
	sort.Slice(f.Formats, func(i, j int) bool {
		a, b := f.Formats[i], f.Formats[j]
		return catalogKey(a.DB, a.Schema, a.Name) < catalogKey(b.DB, b.Schema, b.Name)
	})
	data, err := json.MarshalIndent(&f, "", "  ")
	if err != nil {
		return fmt.Errorf("stage catalog: encode: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return fmt.Errorf("stage catalog: %w", err)
	}
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("stage catalog: write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		return fmt.Errorf("stage catalog: replace %s: %w", c.path, err)
	}
	return nil
}

func stageLess(a, b *stageDef) bool {
	return catalogKey(a.DB, a.Schema, a.Name) < catalogKey(b.DB, b.Schema, b.Name)
}

func (c *stageCatalog) getStage(db, schema, name string) *stageDef {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stages[catalogKey(db, schema, name)]
}

// putStage adds or replaces a stage and persists the catalog.
func (c *stageCatalog) putStage(d *stageDef) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := catalogKey(d.DB, d.Schema, d.Name)
	old := c.stages[k]
	c.stages[k] = d
	if err := c.save(); err != nil {
		if old != nil {
			c.stages[k] = old
		} else {
			delete(c.stages, k)
		}
		return err
	}
	return nil
}

func (c *stageCatalog) dropStage(db, schema, name string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := catalogKey(db, schema, name)
	old, ok := c.stages[k]
	if !ok {
		return false, nil
	}
	delete(c.stages, k)
	if err := c.save(); err != nil {
		c.stages[k] = old
		return false, err
	}
	return true, nil
}

// listStages returns the stages of one schema ("" schema = all of the database,
// "" database = everything), sorted by name.
func (c *stageCatalog) listStages(db, schema string) []*stageDef {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*stageDef
	for _, s := range c.stages {
		if (db == "" || s.DB == db) && (schema == "" || s.Schema == schema) {
			cp := *s
			out = append(out, &cp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return stageLess(out[i], out[j]) })
	return out
}

func (c *stageCatalog) getFormat(db, schema, name string) *fileFormatDef {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.formats[catalogKey(db, schema, name)]
}

func (c *stageCatalog) putFormat(f *fileFormatDef) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := catalogKey(f.DB, f.Schema, f.Name)
	old := c.formats[k]
	c.formats[k] = f
	if err := c.save(); err != nil {
		if old != nil {
			c.formats[k] = old
		} else {
			delete(c.formats, k)
		}
		return err
	}
	return nil
}

func (c *stageCatalog) dropFormat(db, schema, name string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := catalogKey(db, schema, name)
	old, ok := c.formats[k]
	if !ok {
		return false, nil
	}
	delete(c.formats, k)
	if err := c.save(); err != nil {
		c.formats[k] = old
		return false, err
	}
	return true, nil
}

func (c *stageCatalog) listFormats(db, schema string) []*fileFormatDef {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*fileFormatDef
	for _, f := range c.formats {
		if (db == "" || f.DB == db) && (schema == "" || f.Schema == schema) {
			cp := *f
			out = append(out, &cp)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return catalogKey(out[i].DB, out[i].Schema, out[i].Name) < catalogKey(out[j].DB, out[j].Schema, out[j].Name)
	})
	return out
}

// dropStageObjects removes the stages and file formats of a dropped database (schema
// "") or schema, with their internal stage files, as Snowflake drops contained
// objects. Engine core calls it from DROP/CREATE OR REPLACE DATABASE and SCHEMA.
func dropStageObjects(dataDir, db, schema string) error {
	cat, err := stageCatalogFor(dataDir)
	if err != nil {
		return err
	}
	cat.mu.Lock()
	defer cat.mu.Unlock()
	changed := false
	for k, s := range cat.stages {
		if s.DB == db && (schema == "" || s.Schema == schema) {
			delete(cat.stages, k)
			changed = true
		}
	}
	for k, f := range cat.formats {
		if f.DB == db && (schema == "" || f.Schema == schema) {
			delete(cat.formats, k)
			changed = true
		}
	}
	if changed {
		if err := cat.save(); err != nil {
			return err
		}
	}
	dir := filepath.Join(dataDir, "stages", safeComponent(db))
	if schema != "" {
		dir = filepath.Join(dir, safeComponent(schema))
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("drop stage files under %s: %w", dir, err)
	}
	return nil
}

// dropTableStage removes the files of a dropped table's stage (@%table).
func dropTableStage(dataDir string, n ObjectName) error {
	dir := filepath.Join(dataDir, "stages", safeComponent(n.Database), safeComponent(n.Schema), "_table", safeComponent(n.Name))
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("drop table stage files of %s: %w", n, err)
	}
	return nil
}
