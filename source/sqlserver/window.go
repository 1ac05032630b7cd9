package sqlserver

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/source"
)

// partitionFilter is the predicate of the rows a request reads: the partition's key
// range and, for a watermark re-sync, its window (parameters from @p1).
func partitionFilter(req source.ExtractRequest, keys []keyColumn) (string, []any, error) {
	pred, args, err := rangePredicate(keys, req.Partition, 1)
	if err != nil {
		return "", nil, err
	}
	if req.Window != nil {
		return "", nil, fmt.Errorf("the watermark window is not supported by the SQL Server source yet")
	}
	return pred, args, nil
}
