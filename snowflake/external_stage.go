package snowflake

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// External stages for Redshift UNLOAD: the workflow's extraction.externalStage names
// an existing S3 stage; its URL (DESC STAGE) is where Redshift writes each partition,
// under migration.PartitionPath, and COPY loads those files from the stage.

// ParseStageName resolves a fully qualified stage name as written in the
// configuration (DB.SCHEMA.STAGE, parts quoted where needed) into its three stored
// names.
func ParseStageName(raw string) ([]string, error) {
	var parts []string
	s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "@"))
	for s != "" {
		end := 0
		if strings.HasPrefix(s, `"`) {
			end = 1
			for end < len(s) {
				if s[end] == '"' {
					if end+1 < len(s) && s[end+1] == '"' {
						end += 2
						continue
					}
					end++
					break
				}
				end++
			}
		} else {
			end = strings.IndexByte(s, '.')
			if end < 0 {
				end = len(s)
			}
		}
		name, err := ResolveName(s[:end])
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", raw, err)
		}
		parts = append(parts, name)
		s = s[end:]
		if s != "" {
			if s[0] != '.' {
				return nil, fmt.Errorf("stage %s: expected '.' between the parts of the name", raw)
			}
			s = s[1:]
			if s == "" {
				return nil, fmt.Errorf("stage %s: ends with '.'", raw)
			}
		}
	}
	if len(parts) != 3 {
		return nil, fmt.Errorf("stage %s: give the fully qualified name DATABASE.SCHEMA.STAGE", raw)
	}
	return parts, nil
}

// DescStageSQL describes the stage (its URL is in the STAGE_LOCATION rows).
func DescStageSQL(parts []string) string { return "DESC STAGE " + QualifiedName(parts...) }

// ExternalStagePrefix is the stage location of a partition's unloaded files:
// @<stage>/<migration.PartitionPath>.
func ExternalStagePrefix(parts []string, workflowID, tableKey string, partition int) string {
	return "@" + DisplayName(parts...) + "/" + migration.PartitionPath(workflowID, tableKey, partition)
}

// StageURLFrom reads the URL from DESC STAGE's rows (parent_property STAGE_LOCATION,
// property URL, property_value a JSON list such as ["s3://bucket/prefix/"]). It
// returns "" for an internal stage.
func StageURLFrom(rows []Row) (string, error) {
	for _, r := range rows {
		if url, found, err := StageURLRow(r); found || err != nil {
			return url, err
		}
	}
	return "", nil
}

// StageURLRow reads one DESC STAGE row: found is true on the STAGE_LOCATION URL row
// (url "" for an internal stage). Call it inside EachRow: a Row's values are only
// valid during its callback.
func StageURLRow(r Row) (url string, found bool, err error) {
	parent, _ := r.Get("parent_property")
	prop, _ := r.Get("property")
	if !strings.EqualFold(parent, "STAGE_LOCATION") || !strings.EqualFold(prop, "URL") {
		return "", false, nil
	}
	v, _ := r.Get("property_value")
	v = strings.TrimSpace(v)
	if v == "" || v == "[]" || v == `[""]` {
		return "", true, nil
	}
	var urls []string
	if strings.HasPrefix(v, "[") {
		if err := json.Unmarshal([]byte(v), &urls); err != nil {
			return "", true, fmt.Errorf("DESC STAGE: URL %q is not a JSON list: %w", v, err)
		}
	} else {
		urls = []string{strings.Trim(v, `"`)}
	}
	if len(urls) == 0 {
		return "", true, nil
	}
	return urls[0], true, nil
}

// UnloadLocation is the partition's S3 location under the stage URL.
func UnloadLocation(stageURL, workflowID, tableKey string, partition int) (string, error) {
	u := strings.TrimSpace(stageURL)
	if !strings.HasPrefix(strings.ToLower(u), "s3://") {
		return "", fmt.Errorf("stage URL %q is not on S3 (s3://bucket/prefix/): Redshift UNLOAD writes to S3 only", stageURL)
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u + migration.PartitionPath(workflowID, tableKey, partition) + "/", nil
}

// CopyFieldsSQL is the COPY INTO of files whose Parquet field names are not the
// target's column names (UNLOAD's c0, c1, …): always the transform form, field i
// feeding column i with the same casts as CopySQL, except BINARY, which the source
// sends as hex text (TO_BINARY(…, 'HEX')). Without a FILES list (more than
// maxCopyFiles files) only *.parquet files of the path are read, never UNLOAD's
// manifest.
func CopyFieldsSQL(target migration.TableRef, cols []migration.Column, fields []string, stagePrefix string, files []string) (string, error) {
	prefix, err := CheckStagePrefix(stagePrefix)
	if err != nil {
		return "", err
	}
	if len(cols) == 0 || len(fields) != len(cols) {
		return "", fmt.Errorf("COPY into %s: %d columns but %d Parquet fields", TableName(target), len(cols), len(fields))
	}
	names := make([]string, len(cols))
	exprs := make([]string, len(cols))
	for i, c := range cols {
		t, err := ParseType(c.TargetType)
		if err != nil {
			return "", fmt.Errorf("COPY into %s column %s: %w", TableName(target), QuoteIdent(c.TargetName), err)
		}
		names[i] = QuoteIdent(c.TargetName)
		exprs[i] = projection(fields[i], t)
		if t.Family == FamBinary {
			// The source sends binary values as hex text (Redshift's to_hex): decoded
			// explicitly, whatever the session's BINARY_INPUT_FORMAT.
			exprs[i] = "TO_BINARY(" + "$1:" + QuoteIdent(fields[i]) + "::VARCHAR, 'HEX')"
		}
	}
	var b strings.Builder
	b.WriteString("COPY INTO " + TableName(target) + " (" + strings.Join(names, ", ") + ")\n")
	b.WriteString("FROM (SELECT " + strings.Join(exprs, ", ") + " FROM " + prefix + ")\n")
	if len(files) > 0 && len(files) <= maxCopyFiles {
		lits := make([]string, len(files))
		for i, f := range files {
			if !fileNameRE.MatchString(f) {
				return "", fmt.Errorf("staged file name %q has characters other than letters, digits, '.', '_', '=' and '-'", f)
			}
			lits[i] = StringLiteral(f)
		}
		b.WriteString("FILES = (" + strings.Join(lits, ", ") + ")\n")
	} else {
		b.WriteString("PATTERN = '.*[.]parquet'\n")
	}
	b.WriteString("FILE_FORMAT = (TYPE = PARQUET BINARY_AS_TEXT = FALSE USE_LOGICAL_TYPE = TRUE NULL_IF = ())\n")
	b.WriteString("ON_ERROR = ABORT_STATEMENT\n")
	b.WriteString("FORCE = TRUE")
	return b.String(), nil
}
