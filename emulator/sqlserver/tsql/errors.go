package tsql

import "fmt"

// Error is an error as SQL Server reports it: message number, state and severity class.
type Error struct {
	Number int32
	State  byte
	Class  byte
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("mssql: %s (%d)", e.Msg, e.Number) }

// Errf builds an Error.
func Errf(number int32, state, class byte, format string, args ...any) *Error {
	return &Error{Number: number, State: state, Class: class, Msg: fmt.Sprintf(format, args...)}
}

// SyntaxNear is error 102, "Incorrect syntax near 'x'."
func SyntaxNear(near string) *Error {
	return Errf(102, 1, 15, "Incorrect syntax near '%s'.", near)
}

// SyntaxKeyword is error 156, "Incorrect syntax near the keyword 'X'."
func SyntaxKeyword(kw string) *Error {
	return Errf(156, 1, 15, "Incorrect syntax near the keyword '%s'.", kw)
}

// Unsupported refuses a construct the emulator does not implement, naming it, with
// error 102 so that the product never comes to rely on it.
func Unsupported(what string) *Error {
	return Errf(102, 1, 15, "Incorrect syntax near '%s'. (the local SQL Server does not support %s)", what, what)
}
