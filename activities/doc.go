// Package activities holds the domain types that both sides' activities and the
// workflows exchange: columns with their source and target types, partitions as key
// ranges, and staged files. The activity implementations live in the sub-packages
// sourceside (runs inside the source network) and snowflakeside (runs with the
// orchestrator, talks to Snowflake); their contracts with the workflows live in the
// light sub-packages sourceapi and snowflakeapi, which import only this package and
// config.
package activities
