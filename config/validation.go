package config

import (
	"fmt"
	"math"
)

// Validation levels (docs/validation.md). Levels are cumulative: level 3 also runs 1 and 2.
const (
	ValidationSchema  = 1 // column names, order, types, nullability, primary key, row count
	ValidationMetrics = 2 // per-column count, nulls, distinct, min, max, sum, avg, stddev
	ValidationRows    = 3 // partition checksums, drilled down to the differing rows
)

// DefaultValidationLevel is the level of a `validation` object that names none: the
// strongest check, since asking for validation at all means wanting proof.
const DefaultValidationLevel = ValidationRows

// MaxValidationTolerance bounds the relative tolerance: 1 already accepts any value
// within 100 % of the other side, so a larger one would hide every difference.
const MaxValidationTolerance = 1.0

// EffectiveLevel is the validation level a configured `validation` asks for (the
// default when it names none), 0 when v is nil (no validation).
func (v *Validation) EffectiveLevel() int {
	if v == nil {
		return 0
	}
	if v.Level == nil {
		return DefaultValidationLevel
	}
	return *v.Level
}

// EffectiveTolerance is the configured relative tolerance, 0 (exact) when unset.
func (v *Validation) EffectiveTolerance() float64 {
	if v == nil || v.Tolerance == nil {
		return 0
	}
	return *v.Tolerance
}

// CheckValidationLevel returns what is wrong with a validation level, "" when it is
// valid (shared with the starter's --level flag).
func CheckValidationLevel(level int) string {
	if level < ValidationSchema || level > ValidationRows {
		return fmt.Sprintf("validation level %d does not exist: use 1 (schema), 2 (schema and column metrics) or 3 (schema, metrics and rows)", level)
	}
	return ""
}

// CheckValidationTolerance returns what is wrong with a relative tolerance, "" when it
// is valid (shared with the starter's --tolerance flag).
func CheckValidationTolerance(t float64) string {
	switch {
	case math.IsNaN(t) || math.IsInf(t, 0):
		return "tolerance must be a finite number, e.g. 0.001 for 0.1 %"
	case t < 0:
		return fmt.Sprintf("tolerance %g is negative: it is a relative difference, e.g. 0.001 accepts metrics within 0.1 %% of each other; use 0 for exact", t)
	case t > MaxValidationTolerance:
		return fmt.Sprintf("tolerance %g is above %g (100 %%), which would accept any difference; use a fraction such as 0.001", t, MaxValidationTolerance)
	}
	return ""
}

// checkValidation checks a table's (or the defaults') `validation` object.
func (v *validator) checkValidation(val Validation, path string) {
	if val.Level != nil {
		if msg := CheckValidationLevel(*val.Level); msg != "" {
			v.add(path+".level", msg)
		}
	}
	if val.Tolerance != nil {
		if msg := CheckValidationTolerance(*val.Tolerance); msg != "" {
			v.add(path+".tolerance", msg)
		}
	}
}

func mergeValidation(def, t *Validation) *Validation {
	if def == nil && t == nil {
		return nil
	}
	if def == nil {
		def = &Validation{}
	}
	if t == nil {
		t = &Validation{}
	}
	return &Validation{
		Level:     clonePtr(pickPtr(def.Level, t.Level)),
		Tolerance: clonePtr(pickPtr(def.Tolerance, t.Tolerance)),
	}
}
