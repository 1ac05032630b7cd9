package redshift

// unloadSpec is a parsed UNLOAD statement.
type unloadSpec struct {
	Query string
}

func parseUnload(st []token) (*unloadSpec, *refusal) {
	return &unloadSpec{}, &refusal{Code: "0A000", Message: "UNLOAD is not implemented yet"}
}

func (ss *session) runUnload(spec *unloadSpec) {}
