package engine

import "context"

// execStage runs the stage-related statements: PUT, GET, LIST/LS, REMOVE/RM, COPY INTO,
// CREATE [OR REPLACE] STAGE, DROP STAGE, CREATE/DROP FILE FORMAT, SHOW STAGES,
// SHOW FILE FORMATS. The statement dispatcher (engine core) routes those here.
// Stage and file format DDL commits an open transaction first, like all Snowflake DDL;
// COPY, LIST, REMOVE and PUT do not.
func (s *Session) execStage(ctx context.Context, sqlText string, binds map[string]Bind) (*Result, error) {
	_ = binds // the stage statements take no bind variables
	return runStage(ctx, sessionHost{s: s, ctx: ctx}, sqlText, s.commitImplicit)
}

// runStage parses the leading keywords and runs the statement against h. commitDDL
// is called before stage/file-format DDL.
func runStage(ctx context.Context, h stageHost, sqlText string, commitDDL func() error) (*Result, error) {
	p, err := newStageParser(sqlText)
	if err != nil {
		return nil, err
	}
	switch kw := p.next().upper(); kw {
	case "PUT":
		return execPut(ctx, h, p)
	case "LIST", "LS":
		return execList(ctx, h, p)
	case "REMOVE", "RM":
		return execRemove(ctx, h, p)
	case "COPY":
		return execCopy(ctx, h, p)
	case "GET":
		return nil, Errorf(ErrSyntax, "0A000", "SQL compilation error: GET is not supported by the emulator; read internal stage files from the emulator's data directory or query the loaded table")
	case "CREATE":
		if err := commitDDL(); err != nil {
			return nil, err
		}
		return createStageOrFormat(ctx, h, p)
	case "DROP":
		if err := commitDDL(); err != nil {
			return nil, err
		}
		return dropStageOrFormat(h, p)
	case "SHOW":
		return showStagesOrFormats(h, p)
	default:
		return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: unsupported stage statement %q", kw)
	}
}
