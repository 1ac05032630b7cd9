// Package sourcetest holds test helpers shared by the dialect packages (postgres,
// redshift): one golden-SQL runner, so that both dialects render the same cases the
// same way into their own testdata.
package sourcetest
