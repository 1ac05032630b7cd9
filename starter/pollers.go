package main

import (
	"context"
	"fmt"
	"io"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/snowmigrate/snowmigrate/workflows"
)

// warnIdleQueues tells the user, right after starting, when no worker polls the queues
// the migration needs: the reference system silently processes nothing when an
// affinity matches no worker. It only warns: workers may be started afterwards, and the
// workflow then simply proceeds.
func warnIdleQueues(ctx context.Context, cl client.Client, w io.Writer, base, affinity string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	checks := []struct {
		queue string
		kind  enumspb.TaskQueueType
		start string
	}{
		{workflows.OrchestratorQueue(base, affinity), enumspb.TASK_QUEUE_TYPE_WORKFLOW, "workers orchestrator"},
		{workflows.SourceQueue(base, affinity), enumspb.TASK_QUEUE_TYPE_ACTIVITY, "workers source --config worker.toml"},
	}
	for _, ch := range checks {
		resp, err := cl.DescribeTaskQueue(ctx, ch.queue, ch.kind)
		if err != nil || len(resp.GetPollers()) > 0 {
			continue // unknown is not a reason to alarm the user
		}
		hint := ch.start
		if affinity != "" {
			hint += " --affinity " + affinity
		}
		if base != workflows.DefaultTaskQueueBase {
			hint += " --task-queue-base " + base
		}
		fmt.Fprintf(w, "warning: no worker is polling task queue %q yet; the migration waits until one does (start: %s)\n", ch.queue, hint)
	}
}
