package engine

import "context"

// execStage runs the stage-related statements: PUT, GET, LIST/LS, REMOVE/RM, COPY INTO,
// CREATE [OR REPLACE] STAGE, DROP STAGE, CREATE/DROP FILE FORMAT, SHOW STAGES,
// SHOW FILE FORMATS. The statement dispatcher (engine core) routes those here.
// Owned by the stages/COPY part of the engine.
func (s *Session) execStage(ctx context.Context, sqlText string, binds map[string]Bind) (*Result, error) {
	return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: unsupported statement: %.40s", sqlText)
}
