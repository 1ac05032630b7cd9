package sqlserver

import (
	"errors"
	"fmt"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/snowmigrate/snowmigrate/source"
)

// SQL Server error numbers the dialect gives a meaning.
const (
	errLoginFailed       = 18456 // login failed (wrong user or password)
	errLoginDatabase     = 4060  // cannot open the login's database
	errInvalidObject     = 208   // invalid object name
	errInvalidColumn     = 207   // invalid column name
	errPermissionObject  = 229   // permission denied on the object
	errPermissionColumn  = 230   // permission denied on a column
	errSnapshotDisabled  = 3952  // snapshot isolation not allowed in this database
	errSnapshotForbidden = 3951  // snapshot transaction failed: database not enabled
)

// mapError adds the source package's sentinel to a server error whose number says it
// is permanent, keeping the driver's error (its message names the object) in the chain.
func mapError(err error) error {
	if err == nil || errors.Is(err, source.ErrCredentials) || errors.Is(err, source.ErrPermission) ||
		errors.Is(err, source.ErrMissing) || errors.Is(err, source.ErrConfig) {
		return err
	}
	var me mssql.Error
	if !errors.As(err, &me) {
		var pe *mssql.Error
		if !errors.As(err, &pe) {
			return err
		}
		me = *pe
	}
	for _, e := range me.All {
		if e.Number == errLoginDatabase {
			// 4060 comes before the 18456 that ends every failed login.
			me = e
			break
		}
	}
	switch me.Number {
	case errLoginFailed:
		return fmt.Errorf("%w (check username and password in [connections.source.sqlserver]): %w", source.ErrCredentials, err)
	case errLoginDatabase:
		return fmt.Errorf("%w (check database in [connections.source.sqlserver]): %w", source.ErrMissing, err)
	case errPermissionObject, errPermissionColumn:
		return fmt.Errorf("%w (grant the worker's login SELECT on the table and VIEW DEFINITION / VIEW DATABASE STATE for the catalog): %w", source.ErrPermission, err)
	case errInvalidObject, errInvalidColumn:
		return fmt.Errorf("%w: %w", source.ErrMissing, err)
	case errSnapshotDisabled, errSnapshotForbidden:
		return fmt.Errorf("%w: isolation = \"snapshot\" needs ALTER DATABASE … SET ALLOW_SNAPSHOT_ISOLATION ON, or use read_committed: %w", source.ErrConfig, err)
	}
	return err
}

// whereError turns a server error caused by whereClauseCriteria into a configuration
// error naming the filter: a compile error (syntax 102/156, unknown column 207 or
// object 208, unknown function 195, …) or a conversion error in a statement that
// carries the filter, which the same statement without it does not have.
func whereError(err error, where string) error {
	if where == "" || err == nil {
		return err
	}
	var me mssql.Error
	if !errors.As(err, &me) {
		return err
	}
	switch me.Number {
	case 102, 103, 105, 156, 170, 195, 207, 208, 209, 241, 242, 245, 4145, 8114, 8116, 8117, 8169, 402, 206:
		return fmt.Errorf("%w: whereClauseCriteria %q is not valid on the source: %s (error %d); fix the filter in the table configuration", source.ErrConfig, where, me.Message, me.Number)
	}
	return err
}
