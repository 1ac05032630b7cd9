package sqlserver

import (
	"github.com/snowmigrate/snowmigrate/source"
)

// partitionFilter is the predicate of the rows a request reads: the partition's key
// range and, for a watermark re-sync, its window (parameters from @p1).
func partitionFilter(req source.ExtractRequest, keys []keyColumn) (string, []any, error) {
	pred, args, err := rangePredicate(keys, req.Partition, 1)
	if err != nil {
		return "", nil, err
	}
	wp, wargs, err := windowPredicate(req.Columns, req.Window, 1+len(args))
	if err != nil {
		return "", nil, err
	}
	if wp != "" {
		pred += " AND " + wp
		args = append(args, wargs...)
	}
	return pred, args, nil
}
