// Command workers runs the product's Temporal workers.
//
//	workers orchestrator [--affinity A]                  workflows + Snowflake-side activities
//	workers source --config worker.toml [--affinity A]   source-side activities, one source connection
//
// The orchestrator polls "<base>[@affinity]"; a source worker polls "<base>-source[@affinity]"
// and also its own host queue "<base>-source[@affinity]/<host-id>", where the upload of
// the files it extracted is scheduled (they exist only on its disk). Start more source
// workers inside a source network to add capacity there.
//
// What each worker registers, by contract name, is in the package workers/register
// (one file per capability), which the end-to-end tests' in-process orchestrators use
// too.
//
// Secrets are read here, in main, and nowhere else: the source password from the worker
// TOML, the Snowflake connection from connections.toml. Nothing below main reads the
// environment.
package main
