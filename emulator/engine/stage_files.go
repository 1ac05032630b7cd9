package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// execPut answers PUT with the upload descriptor: with a LOCAL_FS stage the driver
// copies the files into Location itself, so the server only names the directory.
// The parser stands after PUT.
func execPut(ctx context.Context, h stageHost, p *stageParser) (*Result, error) {
	t := p.next()
	var url string
	switch {
	case t.Kind == stFileURL:
		url = t.Value
	case t.Kind == stString && strings.HasPrefix(strings.ToLower(t.Value), "file://"):
		url = t.Value
	default:
		return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: PUT needs a source 'file:///absolute/path' (got %q)", p.sql[t.Pos:t.End])
	}
	src := url[len("file://"):]
	ref, err := p.stageRefToken()
	if err != nil {
		return nil, err
	}
	opts, err := p.parseOptions()
	if err != nil {
		return nil, err
	}
	if !p.atEnd() {
		return nil, p.errorf("unexpected text after PUT options")
	}
	autoCompress, err := opts.boolOpt("AUTO_COMPRESS", true)
	if err != nil {
		return nil, err
	}
	overwrite, err := opts.boolOpt("OVERWRITE", false)
	if err != nil {
		return nil, err
	}
	parallel, err := opts.intOpt("PARALLEL", 4)
	if err != nil {
		return nil, err
	}
	if parallel < 1 || parallel > 99 {
		return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: PARALLEL must be between 1 and 99 (got %d)", parallel)
	}
	srcComp := strings.ToLower(opts.enum("SOURCE_COMPRESSION", "AUTO_DETECT"))
	rs, err := resolveStage(ctx, h, ref)
	if err != nil {
		return nil, err
	}
	if rs.Def != nil && rs.Def.external() {
		return nil, Errorf(ErrSyntax, "0A000", "SQL compilation error: PUT command can only be used with internal stages; %s is an external stage.", rs.Name)
	}
	dir := rs.Root
	if sub := strings.Trim(rs.Path, "/"); sub != "" {
		if strings.Contains("/"+sub+"/", "/../") {
			return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: stage path %q must not contain '..'", rs.Path)
		}
		dir = filepath.Join(dir, filepath.FromSlash(sub))
	}
	if overwrite {
		if err := removeOverwriteTargets(src, dir, autoCompress, srcComp); err != nil {
			return nil, err
		}
	}
	return &Result{StatementTypeID: 0, Upload: &UploadInfo{
		SrcLocations:      []string{src},
		Location:          dir + string(filepath.Separator),
		AutoCompress:      autoCompress,
		Overwrite:         overwrite,
		Parallel:          parallel,
		SourceCompression: srcComp,
	}}, nil
}

// compressedExts are the extensions the driver uploads unchanged (it gzips others when
// AUTO_COMPRESS is on); columnar formats are detected by content and kept too.
var compressedExts = map[string]bool{".gz": true, ".deflate": true, ".raw_deflate": true, ".bz2": true,
	".lz": true, ".lzma": true, ".lzo": true, ".xz": true, ".Z": true, ".zst": true, ".br": true,
	".parquet": true, ".orc": true, ".avro": true}

// removeOverwriteTargets deletes the stage files a PUT ... OVERWRITE=TRUE will write.
// The driver opens its LOCAL_FS target without O_TRUNC, so a smaller new file would
// otherwise keep the old file's tail.
func removeOverwriteTargets(srcGlob, dir string, autoCompress bool, srcComp string) error {
	matches, err := filepath.Glob(srcGlob)
	if err != nil {
		return Errorf(ErrSyntax, "42000", "SQL compilation error: bad source pattern %q: %v", srcGlob, err)
	}
	if len(matches) > maxStageFiles {
		return Errorf(ErrSyntax, "42000", "PUT source %q matches more than %d files", srcGlob, maxStageFiles)
	}
	for _, m := range matches {
		base := filepath.Base(m)
		targets := []string{base}
		if autoCompress && srcComp == "auto_detect" && !compressedExts[filepath.Ext(base)] {
			targets = append(targets, base+".gz")
		}
		for _, t := range targets {
			if err := os.Remove(filepath.Join(dir, t)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("PUT OVERWRITE: remove old stage file %s: %w", t, err)
			}
		}
	}
	return nil
}

// selectFiles lists the stage files under the reference's path that match pattern
// (a regular expression that must match the whole path, as in Snowflake).
func selectFiles(ctx context.Context, rs *resolvedStage, pattern string) ([]stageFile, error) {
	files, err := rs.Store.list(ctx, rs.Path)
	if err != nil {
		return nil, err
	}
	if pattern == "" {
		return files, nil
	}
	re, err := compilePattern(pattern)
	if err != nil {
		return nil, err
	}
	var out []stageFile
	for _, f := range files {
		// Snowflake matches PATTERN against the path including the stage-relative
		// prefix; both that and the bare path are accepted here.
		if re.MatchString(f.Path) || re.MatchString(rs.Display+f.Path) {
			out = append(out, f)
		}
	}
	return out, nil
}

func compilePattern(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid PATTERN '%s': %v", pattern, err)
	}
	return re, nil
}

// execList answers LIST/LS @stage[/path] [PATTERN='re']; the parser stands after LIST.
func execList(ctx context.Context, h stageHost, p *stageParser) (*Result, error) {
	rs, files, err := listTarget(ctx, h, p)
	if err != nil {
		return nil, err
	}
	res := &Result{StatementTypeID: StmtSelect, Columns: []Column{textCol("name"), fixedCol("size"), textCol("md5"), textCol("last_modified")}}
	for _, f := range files {
		res.Rows = append(res.Rows, []*string{strp(rs.Display + f.Path), intCell(f.Size), strp(f.MD5),
			strp(f.LastModified.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"))})
	}
	return res, nil
}

// execRemove answers REMOVE/RM @stage[/path] [PATTERN='re'].
func execRemove(ctx context.Context, h stageHost, p *stageParser) (*Result, error) {
	rs, files, err := listTarget(ctx, h, p)
	if err != nil {
		return nil, err
	}
	res := &Result{StatementTypeID: StmtSelect, Columns: []Column{textCol("name"), textCol("result")}}
	paths := make([]string, 0, len(files))
	for _, f := range files {
		paths = append(paths, f.Path)
		res.Rows = append(res.Rows, []*string{strp(rs.Display + f.Path), strp("removed")})
	}
	if err := rs.Store.remove(ctx, paths); err != nil {
		return nil, err
	}
	return res, nil
}

func listTarget(ctx context.Context, h stageHost, p *stageParser) (*resolvedStage, []stageFile, error) {
	ref, err := p.stageRefToken()
	if err != nil {
		return nil, nil, err
	}
	opts, err := p.parseOptions()
	if err != nil {
		return nil, nil, err
	}
	if !p.atEnd() {
		return nil, nil, p.errorf("unexpected text")
	}
	rs, err := resolveStage(ctx, h, ref)
	if err != nil {
		return nil, nil, err
	}
	files, err := selectFiles(ctx, rs, opts["PATTERN"].Str)
	return rs, files, err
}
