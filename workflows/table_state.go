package workflows

// TableState is carried by TableMigrationWorkflow across continue-as-new.
type TableState struct{}
