package snowflake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Crash safety of load transactions (docs/workflows.md, "Crash safety"). A process can
// die between BEGIN and COMMIT; Snowflake then keeps the transaction and its locks until
// the session expires (hours) or, when it blocks someone, for five minutes. So every load
// transaction carries a name derived from the partition it loads, and the next attempt of
// that partition finds it in SHOW TRANSACTIONS and aborts it before it begins its own.

// Session settings of every product connection.
const (
	// LockTimeoutSeconds is the product sessions' LOCK_TIMEOUT (Snowflake's default is
	// 43200 s): a statement waiting for a lock fails with 625 after it, and the activity
	// retries, instead of queueing behind a transaction that may belong to a dead process.
	LockTimeoutSeconds = 20
	// ConnMaxLifetime bounds a pooled session's age: well inside Snowflake's four-hour
	// idle timeout and master-token validity, so the pool never hands out a session that
	// the server has already ended for age.
	ConnMaxLifetime = time.Hour
	// maxQueryTag is Snowflake's limit on QUERY_TAG.
	maxQueryTag = 2000
)

// LoadTxnName is the name of the transaction that loads one partition of one table of
// one migration: the same for every attempt (and run) of that partition and different
// for any other, made of [A-Z0-9_] so that it is a plain identifier.
func LoadTxnName(workflowID, tableKey string, partition int) string {
	h := sha256.Sum256([]byte(workflowID + "\x00" + tableKey + "\x00" + strconv.Itoa(partition)))
	return "SNOWMIGRATE_LOAD_" + strings.ToUpper(hex.EncodeToString(h[:12]))
}

// BeginNamedSQL starts an explicit transaction visible as name in SHOW TRANSACTIONS.
// name must come from LoadTxnName (it is not quoted).
func BeginNamedSQL(name string) string { return "BEGIN TRANSACTION NAME " + name }

// Statements of the transaction protocol.
const (
	ShowTransactionsSQL   = "SHOW TRANSACTIONS"
	CurrentTransactionSQL = "SELECT CURRENT_TRANSACTION()"
	CommitSQL             = "COMMIT"
	RollbackSQL           = "ROLLBACK"
)

// AbortTransactionSQL aborts transaction id (a number from SHOW TRANSACTIONS).
func AbortTransactionSQL(id int64) string {
	return fmt.Sprintf("SELECT SYSTEM$ABORT_TRANSACTION(%d)", id)
}

// LoadQueryTag is the QUERY_TAG of a load's statements: JSON naming the migration,
// table, partition and attempt, so that QUERY_HISTORY and lock diagnostics point at the
// work (never a secret: these are identifiers from the workflow).
func LoadQueryTag(workflowID, tableKey string, partition, attempt int) string {
	b, _ := json.Marshal(struct {
		App       string `json:"app"`
		Migration string `json:"migration"`
		Table     string `json:"table"`
		Partition int    `json:"partition"`
		Attempt   int    `json:"attempt"`
	}{"snowmigrate", workflowID, tableKey, partition, attempt})
	if len(b) > maxQueryTag {
		b = b[:maxQueryTag]
	}
	return string(b)
}
