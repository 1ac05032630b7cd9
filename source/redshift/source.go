package redshift

import (
	"context"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

// Source is a Redshift source: the PostgreSQL-protocol runtime with Redshift's
// dialect, plus UNLOAD (unload.go) and partition sizes for it.
type Source struct {
	*postgres.Source
	unloadAuth unloadAuth // UNLOAD's authorization from the worker TOML (secret: never logged)
}

func newSource(pg *postgres.Source, conn *config.SourceConnection) *Source {
	return &Source{Source: pg, unloadAuth: unloadAuth{role: conn.UnloadIAMRole, keyID: conn.UnloadAccessKeyID, secret: conn.UnloadSecretAccessKey}}
}

var _ source.Source = (*Source)(nil)

// UNLOAD partitions are larger under partitionSize "auto": Redshift writes them to S3
// in parallel slices and nothing passes through the worker's memory, so the
// scheduling overhead per partition is what matters (1 GiB of table data, 4 GiB from
// 100 GiB tables).
const (
	unloadAutoMB      = 1024
	unloadAutoLargeMB = 4096
	largeTableBytes   = 100 << 30
)

// PlanPartitions implements source.Source: the runtime's keyset planning, with the
// larger automatic size for tables extracted by UNLOAD.
func (s *Source) PlanPartitions(ctx context.Context, req source.PlanRequest) (source.PlanPage, error) {
	t := req.Table
	if t.Extraction != nil && t.Extraction.Strategy == config.ExtractionUnload && (t.PartitionSize == nil || t.PartitionSize.Auto) {
		mb := int64(unloadAutoMB)
		if req.EstimatedBytes >= largeTableBytes {
			mb = unloadAutoLargeMB
		}
		req.Table.PartitionSize = &config.PartitionSize{TargetSizeMB: mb}
	}
	return s.Source.PlanPartitions(ctx, req)
}
