package redshift

import (
	"regexp"
	"strconv"
	"strings"
)

// unloadSpec is a parsed UNLOAD statement.
type unloadSpec struct {
	Query          string // the SELECT, unescaped: data, never pasted into other SQL
	Bucket, Prefix string
	IAMRole        string
	AccessKey      string
	SecretKey      string
	SessionToken   string
	Parallel       bool
	MaxFileSize    int64
	Manifest       bool
	Verbose        bool
	AllowOverwrite bool
	CleanPath      bool
	Extension      string
}

const (
	mb              = 1 << 20
	defaultMaxFile  = 6200 * mb // 6.2 GB
	minMaxFileSize  = 5 * mb
	credentialsHelp = "Invalid credentials. Must be of the format: credentials 'aws_iam_role=...' or 'aws_access_key_id=...;aws_secret_access_key=...[;token=...]'"
)

var roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`)

// validRole accepts `default` or a comma-separated chain of role ARNs.
func validRole(s string) bool {
	if strings.EqualFold(s, "default") {
		return true
	}
	for _, r := range strings.Split(s, ",") {
		if !roleARN.MatchString(strings.TrimSpace(r)) {
			return false
		}
	}
	return s != ""
}

// parseUnload parses
//
//	UNLOAD ('select …') TO 's3://bucket/prefix' authorization FORMAT [AS] PARQUET
//	  [PARALLEL [ON|OFF|TRUE|FALSE]] [MAXFILESIZE [AS] n {MB|GB}] [MANIFEST [VERBOSE]]
//	  [ALLOWOVERWRITE | CLEANPATH] [ROWGROUPSIZE [AS] n {MB|GB}] [EXTENSION 'ext'] [REGION [AS] 'r']
func parseUnload(st []token) (*unloadSpec, *refusal) {
	spec := &unloadSpec{Parallel: true, MaxFileSize: defaultMaxFile}
	if len(st) < 6 || !st[1].punct("(") || st[2].Kind != tokString || !st[3].punct(")") {
		near := "UNLOAD"
		if len(st) > 1 {
			near = st[1].Val
		}
		return nil, syntaxError(near)
	}
	spec.Query = st[2].Val
	// the SELECT is Redshift SQL too: what Redshift refuses there is refused here
	inner := splitStatements(lex(spec.Query))
	if len(inner) != 1 {
		return nil, &refusal{Code: "XX000", Message: "UNLOAD's query must be one SELECT statement"}
	}
	if r := checkRefusal(inner[0]); r != nil {
		return nil, r
	}
	if !st[4].is("TO") {
		return nil, syntaxError(st[4].Val)
	}
	if st[5].Kind != tokString {
		return nil, syntaxError(st[5].Val)
	}
	loc := st[5].Val
	if !strings.HasPrefix(loc, "s3://") {
		return nil, &refusal{Code: "XX000", Message: "UNLOAD destination must be an S3 path starting with s3:// (got " + quoteLiteral(loc) + ")"}
	}
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(loc, "s3://"), "/")
	if bucket == "" {
		return nil, &refusal{Code: "XX000", Message: "UNLOAD destination has no bucket: " + quoteLiteral(loc)}
	}
	spec.Bucket, spec.Prefix = bucket, prefix
	format := ""
	i := 6
	str := func(what string) (string, *refusal) {
		if i < len(st) && st[i].is("AS") {
			i++
		}
		if i >= len(st) || st[i].Kind != tokString {
			if i < len(st) {
				return "", syntaxError(st[i].Val)
			}
			return "", &refusal{Code: "42601", Message: "syntax error at end of input", Hint: what + " needs a quoted value"}
		}
		i++
		return st[i-1].Val, nil
	}
	size := func() (int64, *refusal) {
		if i < len(st) && st[i].is("AS") {
			i++
		}
		if i >= len(st) || st[i].Kind != tokNumber {
			return 0, &refusal{Code: "42601", Message: "syntax error at end of input"}
		}
		f, err := strconv.ParseFloat(st[i].Val, 64)
		if err != nil || f <= 0 {
			return 0, syntaxError(st[i].Val)
		}
		i++
		unit := float64(mb)
		if i < len(st) && st[i].is("GB") {
			unit = 1 << 30
			i++
		} else if i < len(st) && st[i].is("MB") {
			i++
		}
		return int64(f * unit), nil
	}
	var r *refusal
	for i < len(st) && r == nil {
		t := st[i]
		i++
		switch {
		case t.is("IAM_ROLE"):
			if i < len(st) && st[i].is("DEFAULT") {
				spec.IAMRole = "default"
				i++
				continue
			}
			spec.IAMRole, r = str("IAM_ROLE")
			if r == nil && !validRole(spec.IAMRole) {
				r = &refusal{Code: "XX000", Message: "IAM_ROLE must be 'default' or an IAM role ARN (arn:aws:iam::<account-id>:role/<role-name>, chained roles separated by commas)"}
			}
		case t.is("ACCESS_KEY_ID"):
			spec.AccessKey, r = str("ACCESS_KEY_ID")
		case t.is("SECRET_ACCESS_KEY"):
			spec.SecretKey, r = str("SECRET_ACCESS_KEY")
		case t.is("SESSION_TOKEN"):
			spec.SessionToken, r = str("SESSION_TOKEN")
		case t.is("CREDENTIALS"):
			var c string
			c, r = str("CREDENTIALS")
			if r == nil {
				r = spec.parseCredentials(c)
			}
		case t.is("FORMAT"):
			if i < len(st) && st[i].is("AS") {
				i++
			}
			if i < len(st) {
				format = st[i].Up
				i++
			}
		case t.is("PARQUET") || t.is("CSV") || t.is("JSON"):
			format = t.Up
		case t.is("PARALLEL"):
			if i < len(st) && (st[i].is("OFF") || st[i].is("FALSE")) {
				spec.Parallel = false
				i++
			} else if i < len(st) && (st[i].is("ON") || st[i].is("TRUE")) {
				i++
			}
		case t.is("MAXFILESIZE"):
			spec.MaxFileSize, r = size()
			if r == nil && (spec.MaxFileSize < minMaxFileSize || spec.MaxFileSize > defaultMaxFile) {
				r = &refusal{Code: "XX000", Message: "MAXFILESIZE must be between 5 MB and 6.2 GB"}
			}
		case t.is("ROWGROUPSIZE"):
			_, r = size()
		case t.is("MANIFEST"):
			spec.Manifest = true
			if i < len(st) && st[i].is("VERBOSE") {
				spec.Verbose = true
				i++
			}
		case t.is("ALLOWOVERWRITE"):
			spec.AllowOverwrite = true
		case t.is("CLEANPATH"):
			spec.CleanPath = true
		case t.is("EXTENSION"):
			spec.Extension, r = str("EXTENSION")
		case t.is("REGION"):
			_, r = str("REGION")
		case t.is("ENCRYPTED"):
			if i < len(st) && st[i].is("AUTO") {
				i++
			}
		case t.is("PARTITION") || t.is("HEADER") || t.is("DELIMITER") || t.is("FIXEDWIDTH") || t.is("ADDQUOTES") ||
			t.is("ESCAPE") || t.is("GZIP") || t.is("BZIP2") || t.is("ZSTD") || t.is("NULL") || t.is("KMS_KEY_ID") || t.is("MASTER_SYMMETRIC_KEY"):
			r = &refusal{Code: "0A000", Message: "UNLOAD option " + t.Up + " is not supported by the local Redshift (it writes FORMAT PARQUET only)"}
		default:
			r = syntaxError(t.Val)
		}
	}
	if r != nil {
		return nil, r
	}
	if format != "PARQUET" {
		return nil, &refusal{Code: "0A000", Message: "the local Redshift UNLOADs FORMAT PARQUET only"}
	}
	if spec.AllowOverwrite && spec.CleanPath {
		return nil, &refusal{Code: "XX000", Message: "CLEANPATH and ALLOWOVERWRITE cannot be used together"}
	}
	nAuth := 0
	if spec.IAMRole != "" {
		nAuth++
	}
	if spec.AccessKey != "" || spec.SecretKey != "" {
		nAuth++
		if spec.AccessKey == "" || spec.SecretKey == "" {
			return nil, &refusal{Code: "XX000", Message: credentialsHelp}
		}
	}
	if nAuth != 1 || (spec.SessionToken != "" && spec.AccessKey == "") {
		return nil, &refusal{Code: "XX000", Message: credentialsHelp}
	}
	if spec.Extension == "" {
		spec.Extension = "parquet"
	}
	spec.Extension = strings.TrimPrefix(spec.Extension, ".")
	return spec, nil
}

// parseCredentials reads CREDENTIALS 'aws_iam_role=…' or
// 'aws_access_key_id=…;aws_secret_access_key=…[;token=…]'.
func (spec *unloadSpec) parseCredentials(c string) *refusal {
	for _, part := range strings.Split(c, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return &refusal{Code: "XX000", Message: credentialsHelp}
		}
		switch strings.ToLower(k) {
		case "aws_iam_role":
			if !validRole(v) {
				return &refusal{Code: "XX000", Message: credentialsHelp}
			}
			spec.IAMRole = v
		case "aws_access_key_id":
			spec.AccessKey = v
		case "aws_secret_access_key":
			spec.SecretKey = v
		case "token":
			spec.SessionToken = v
		default:
			return &refusal{Code: "XX000", Message: credentialsHelp}
		}
	}
	return nil
}
