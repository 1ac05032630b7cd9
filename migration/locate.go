package migration

import "fmt"

// Locating the rows behind a checksum difference (docs/checksums.md, "Locating
// differences"). Both sides group a key range's rows into buckets named by the first
// hex digits of the MD5 of each row's key text, checksum every bucket, and list the
// rows of the buckets whose checksums differ. These are the payloads that travel
// between the source worker, the orchestrator and the workflow: bounded by the bucket
// depth and a row limit, never a whole partition.

// Kinds of RowDifference.
const (
	DiffMissingInTarget = "MISSING_IN_TARGET" // the key is on the source only
	DiffMissingInSource = "MISSING_IN_SOURCE" // the key is on the target only
	DiffValue           = "DIFFERENT"         // the key is on both sides with different values
)

// MaxBucketDepth bounds a bucket prefix's length (hex digits of the key-text MD5).
// 16^8 buckets separate any realistic partition's keys; a request over a whole key
// range uses a smaller depth (payloads: 16^depth buckets), deeper ones are restricted
// to a few prefixes.
const MaxBucketDepth = 8

// Bucket is the checksum (checksum.Sum's string, "v1:<rows>:<upper>:<lower>") of the
// rows of a key range whose key-text MD5 starts with Prefix (lower-case hex).
type Bucket struct {
	Prefix   string `json:"prefix"`
	Checksum string `json:"checksum"`
}

// RowImage is one row as the checksum sees it: Key is the key text (the canonical
// fields of the key columns joined as in a row text) and Row the row text, from which
// every column's canonical field reads back (checksum.SplitFields).
type RowImage struct {
	Key string `json:"key"`
	Row string `json:"row"`
}

// RowDifference is one difference between source and target. For DiffValue there is
// one RowDifference per differing column of a row: Column names it (target name),
// SourceValue/TargetValue hold its canonical texts as the checksum sees them ("\N" for
// NULL, text escaped), and Columns lists every differing column of that row. For the
// missing kinds the value of the side that has the row is its whole row text.
type RowDifference struct {
	Kind        string   `json:"kind"`
	Key         string   `json:"key"`
	Column      string   `json:"column,omitempty"`
	Columns     []string `json:"columns,omitempty"`
	SourceValue string   `json:"sourceValue,omitempty"`
	TargetValue string   `json:"targetValue,omitempty"`
}

// CheckBucketPrefixes validates a bucket request's depth and prefixes before they
// become SQL on any engine: depth in 1..MaxBucketDepth, every prefix 1..depth
// lower-case hex digits. Prefixes become string literals; this check keeps them to
// 16 characters that need no escaping anywhere.
func CheckBucketPrefixes(depth int, prefixes []string) error {
	if depth < 1 || depth > MaxBucketDepth {
		return fmt.Errorf("bucket depth %d is outside 1..%d", depth, MaxBucketDepth)
	}
	for _, p := range prefixes {
		if len(p) == 0 || len(p) > depth {
			return fmt.Errorf("bucket prefix %q must have 1 to %d hex digits", p, depth)
		}
		for i := 0; i < len(p); i++ {
			if c := p[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return fmt.Errorf("bucket prefix %q is not lower-case hex", p)
			}
		}
	}
	return nil
}
