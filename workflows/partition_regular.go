package workflows

import "go.temporal.io/sdk/workflow"

// regularPipeline is the full copy of a partition: extract → upload (on the extracting
// host) → load (COPY INTO and the metadata marker in one transaction) → verify.
func regularPipeline(ctx workflow.Context, r *partitionRun) partitionOutcome {
	defer r.done()
	if step, err := r.extractAndStage(ctx); err != nil {
		return r.fail(step, err)
	}
	r.startLoading(ctx)
	if err := r.load(ctx); err != nil {
		return r.fail("load", err)
	}
	if err := r.verify(ctx); err != nil {
		return r.fail("verify", err)
	}
	r.out.rows, r.out.bytes = r.ld.RowsLoaded, r.ex.Bytes
	return r.out
}
