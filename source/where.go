package source

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/config"
)

// CheckWhere vets whereClauseCriteria again right before it is pasted into statements
// (config.WhereProblem has the rules; the starter already applied them, but a
// workflow input is only as good as whoever started it). The filter is SQL by
// contract, so it cannot be bound as a parameter.
func CheckWhere(w string) error {
	if p := config.WhereProblem(w); p != "" {
		return fmt.Errorf("%w: whereClauseCriteria %q %s", ErrConfig, w, p)
	}
	return nil
}
