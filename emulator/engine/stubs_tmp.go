package engine

import "context"

func (s *Session) createTable(ctx context.Context, toks []Token, h createHead, binds map[string]Bind) (*Result, error) {
	return nil, unsupported("CREATE TABLE (in progress)")
}
func (s *Session) createView(ctx context.Context, toks []Token, h createHead, binds map[string]Bind) (*Result, error) {
	return nil, unsupported("CREATE VIEW (in progress)")
}
func (s *Session) execInsert(ctx context.Context, toks []Token, binds map[string]Bind, d bool) (*Result, error) {
	return nil, unsupported("INSERT")
}
func (s *Session) execUpdate(ctx context.Context, toks []Token, binds map[string]Bind, d bool) (*Result, error) {
	return nil, unsupported("UPDATE")
}
func (s *Session) execDelete(ctx context.Context, toks []Token, binds map[string]Bind, d bool) (*Result, error) {
	return nil, unsupported("DELETE")
}
func (s *Session) execMerge(ctx context.Context, toks []Token, binds map[string]Bind, d bool) (*Result, error) {
	return nil, unsupported("MERGE")
}
func (s *Session) execTruncate(ctx context.Context, toks []Token, d bool) (*Result, error) {
	return nil, unsupported("TRUNCATE")
}
func (s *Session) execDrop(ctx context.Context, toks []Token, d bool) (*Result, error) {
	return nil, unsupported("DROP")
}
func (s *Session) execAlter(ctx context.Context, toks []Token, d bool) (*Result, error) {
	return nil, unsupported("ALTER")
}
func (s *Session) execShow(ctx context.Context, toks []Token) (*Result, error) {
	return nil, unsupported("SHOW")
}
func (s *Session) execDescribe(ctx context.Context, toks []Token) (*Result, error) {
	return nil, unsupported("DESCRIBE")
}
func (s *Session) execComment(ctx context.Context, toks []Token) (*Result, error) {
	return nil, unsupported("COMMENT")
}
func (t *translator) infoSchemaRef(n ObjectName) (string, *tableEntry, error) {
	return "", nil, unsupported("INFORMATION_SCHEMA")
}
