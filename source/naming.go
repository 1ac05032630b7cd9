package source

import "strings"

// ResolveFolded implements both sides' identifier rules: a name written in double
// quotes keeps its case (a doubled quote inside stands for one quote); any other name
// is folded with fold (PostgreSQL: lower case; Snowflake: upper case) after trimming.
func ResolveFolded(configName string, fold func(string) string) string {
	s := strings.TrimSpace(configName)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return fold(s)
}

// SnowflakeName resolves a Snowflake name written in configuration (e.g. a
// columnNameMappings targetName): quoted keeps case, unquoted folds to upper case.
func SnowflakeName(configName string) string {
	return ResolveFolded(configName, strings.ToUpper)
}

// TargetColumnName is the Snowflake name of a source column that no mapping renames:
// an all-lower-case source name becomes upper case (so users query it without quotes,
// as they did on PostgreSQL); any other name keeps its exact case.
func TargetColumnName(sourceName string) string {
	if sourceName == strings.ToLower(sourceName) {
		return strings.ToUpper(sourceName)
	}
	return sourceName
}

// QuoteDoubled quotes an identifier the SQL-standard way: double quotes around it,
// inner double quotes doubled. PostgreSQL, Redshift and Snowflake all accept it.
func QuoteDoubled(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// SimilarNames lists candidates that equal name ignoring case, or that contain it (or
// are contained in it) ignoring case, for "did you mean" hints. At most max names.
func SimilarNames(name string, candidates []string, max int) []string {
	var out []string
	ln := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if c != name && (lc == ln || (len(ln) >= 3 && (strings.Contains(lc, ln) || strings.Contains(ln, lc)))) {
			out = append(out, c)
			if len(out) == max {
				break
			}
		}
	}
	return out
}
