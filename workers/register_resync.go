package main

import (
	"go.temporal.io/sdk/worker"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeside"
	"github.com/snowmigrate/snowmigrate/activities/sourceside"
)

// registerResyncOrchestrator registers the orchestrator's workflows and Snowflake-side
// activities of this capability by their contract names.
func registerResyncOrchestrator(r worker.Registry, a *snowflakeside.Activities) {
	_, _ = r, a
}

// registerResyncSource registers this capability's source-side activities on the shared
// source queue.
func registerResyncSource(r worker.Registry, a *sourceside.Activities) {
	_, _ = r, a
}
