// Package config owns everything a user writes down for snowmigrate:
//
//   - the workflow configuration (JSON, the reference system's format): the model
//     (model.go), strict parsing with a JSON path for every problem (parse.go, schema.go),
//     the defaults merge (merge.go) and validation plus defaults (normalize.go, validate*.go);
//   - the source worker's TOML (worker.go), Snowflake named connections (connections.go),
//     the metadata location (metadata.go) and the Temporal client options shared by every
//     binary (temporal.go).
//
// Parse and Normalize are pure: no I/O, no clock, no randomness and no map-order
// dependence, because DataMigrationWorkflow runs them inside workflow code (a replay must
// see the same problems) and the starter runs them before anything starts, so both sides
// agree on what is valid. Nothing in this package reads the environment: callers pass a
// lookup function (main passes os.LookupEnv).
package config
