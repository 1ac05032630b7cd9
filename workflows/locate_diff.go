package workflows

import (
	"sort"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
)

// DiffRows compares the rows of the same buckets on both sides by key (pure, so the
// workflow stays deterministic): rows present alike on both sides cancel out (as a
// multiset: duplicates count); a key left on one side only is missing on the other; a
// key left on both sides is a value difference, reported once per differing column
// with both canonical texts (fields read back with checksum.SplitRaw, so "\N" is NULL
// and text shows escaped as the checksum sees it). When a key repeats with different
// rows, each remaining source row is paired with the target row it differs least
// from. cols are the target column names in row-text order; with keysOnly the rows
// are key texts and only the missing kinds exist. The result is in key order.
func DiffRows(src, tgt []migration.RowImage, cols []string, keysOnly bool) []migration.RowDifference {
	bySrc, byTgt := groupRows(src), groupRows(tgt)
	keys := make([]string, 0, len(bySrc)+len(byTgt))
	for k := range bySrc {
		keys = append(keys, k)
	}
	for k := range byTgt {
		if _, ok := bySrc[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []migration.RowDifference
	for _, k := range keys {
		s, t := cancelEqual(bySrc[k], byTgt[k])
		for len(s) > 0 && len(t) > 0 && !keysOnly {
			j := closest(s[0], t)
			out = append(out, valueDiffs(k, s[0], t[j], cols)...)
			s, t = s[1:], append(t[:j:j], t[j+1:]...)
		}
		for _, r := range s {
			out = append(out, migration.RowDifference{Kind: migration.DiffMissingInTarget, Key: k, SourceValue: r})
		}
		for _, r := range t {
			out = append(out, migration.RowDifference{Kind: migration.DiffMissingInSource, Key: k, TargetValue: r})
		}
	}
	return out
}

// groupRows maps each key to its row texts, sorted (a stable order for pairing).
func groupRows(rows []migration.RowImage) map[string][]string {
	m := map[string][]string{}
	for _, r := range rows {
		m[r.Key] = append(m[r.Key], r.Row)
	}
	for _, rs := range m {
		sort.Strings(rs)
	}
	return m
}

// cancelEqual removes the rows present on both sides (sorted lists, multiset).
func cancelEqual(s, t []string) ([]string, []string) {
	var rs, rt []string
	i, j := 0, 0
	for i < len(s) && j < len(t) {
		switch {
		case s[i] == t[j]:
			i++
			j++
		case s[i] < t[j]:
			rs = append(rs, s[i])
			i++
		default:
			rt = append(rt, t[j])
			j++
		}
	}
	return append(rs, s[i:]...), append(rt, t[j:]...)
}

// closest is the index of the target row with the fewest fields differing from row.
func closest(row string, ts []string) int {
	if len(ts) == 1 {
		return 0
	}
	a, _ := checksum.SplitRaw(row)
	best, bestN := 0, -1
	for j, t := range ts {
		b, _ := checksum.SplitRaw(t)
		n := 0
		for i := range max(len(a), len(b)) {
			if i >= len(a) || i >= len(b) || a[i] != b[i] {
				n++
			}
		}
		if bestN < 0 || n < bestN {
			best, bestN = j, n
		}
	}
	return best
}

// valueDiffs names every differing column of one key's source and target rows.
func valueDiffs(key, s, t string, cols []string) []migration.RowDifference {
	a, errA := checksum.SplitRaw(s)
	b, errB := checksum.SplitRaw(t)
	if errA != nil || errB != nil || len(a) != len(b) || len(a) != len(cols) {
		// Not a row text of these columns (never expected): show the whole rows.
		return []migration.RowDifference{{Kind: migration.DiffValue, Key: key, SourceValue: s, TargetValue: t}}
	}
	var names []string
	var at []int
	for i := range a {
		if a[i] != b[i] {
			names = append(names, cols[i])
			at = append(at, i)
		}
	}
	out := make([]migration.RowDifference, len(at))
	for n, i := range at {
		out[n] = migration.RowDifference{Kind: migration.DiffValue, Key: key, Column: cols[i], Columns: names, SourceValue: a[i], TargetValue: b[i]}
	}
	return out
}
