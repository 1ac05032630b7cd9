package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWatchAndStatusTellWhyTablesFailed: a wrong source database, a missing table and a
// missing partition column fail their tables (here every table, so the migration itself
// fails); `starter watch` (lines and terminal) and `starter status` (text and --json)
// each show every table's own reason, not just "every table failed".
func TestWatchAndStatusTellWhyTablesFailed(t *testing.T) {
	s := newStack(t)
	s.pgExec(`CREATE TABLE elsewhere (id int PRIMARY KEY, v text)`, `INSERT INTO elsewhere VALUES (1, 'a')`,
		`CREATE TABLE no_key_col (id int PRIMARY KEY, v text)`, `INSERT INTO no_key_col VALUES (1, 'a')`,
		`CREATE TABLE bad_load (id int PRIMARY KEY, v text)`, `INSERT INTO bad_load SELECT g, 'v' || g FROM generate_series(1, 30) g`)
	// A target that every partition's load violates (a NOT NULL column the source does
	// not have): the same error in each partition.
	for _, q := range []string{`CREATE SCHEMA IF NOT EXISTS E2E.WHY`, `CREATE TABLE E2E.WHY.BAD_LOAD (ID NUMBER(10,0), V VARCHAR, EXTRA NUMBER(10,0) NOT NULL)`} {
		if _, err := s.sf().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	cfg := s.writeConfig("why.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "WHY" }
  },
  "tables": [
    { "source": { "databaseName": "nosuchdb", "tableName": "elsewhere" }, "target": { "tableName": "elsewhere" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "no_such_table" }, "target": { "tableName": "no_such_table" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "no_key_col" }, "target": { "tableName": "no_key_col" }, "columnNamesToPartitionBy": ["missing_col"] },
    { "source": { "tableName": "bad_load" }, "target": { "tableName": "bad_load" }, "columnNamesToPartitionBy": ["id"],
      "partitionSize": { "maxRowsPerPartition": 10 } }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	const name = "E2eWhy"
	s.create(cfg, name)
	reasons := map[string]string{ // table key → what its reason must say
		"nosuchdb.public.elsewhere":      `source.databaseName "nosuchdb": this worker is connected to database "` + s.pgDB + `"`,
		s.pgDB + ".public.no_such_table": "table public.no_such_table does not exist in the source database",
		s.pgDB + ".public.no_key_col":    `columnNamesToPartitionBy[0] "missing_col": no column "missing_col"`,
		s.pgDB + ".public.bad_load":      "NULL result in a non-nullable column",
	}
	badLoad := s.pgDB + ".public.bad_load"
	const shared = "3 of 3 failed partitions share this first error"

	// Both views follow the migration live: lines (a pipe) and the terminal.
	onTerminal := s.watchOnTerminal(name)
	out, code := s.starter(5*time.Minute, "watch", name, "--interval", "300ms")
	if code != 1 {
		t.Fatalf("watch exit %d, want 1 (every table failed):\n%s", code, out)
	}
	for key, why := range reasons {
		// The table's own line and the summary both carry the reason.
		if !lineWith(out, key+" FAILED", why) {
			t.Errorf("watch lines: no %q line with %q:\n%s", key+" FAILED", why, out)
		}
		if !lineWith(out, "failed "+key+": ", why) {
			t.Errorf("watch summary: no reason %q for %s:\n%s", why, key, out)
		}
	}
	if !strings.Contains(out, "Migration "+name+" FAILED") || !strings.Contains(out, "4 total, 0 completed, 4 failed") {
		t.Errorf("watch summary lacks the outcome:\n%s", out)
	}
	// The table whose partitions failed: how many share the first error.
	if !lineWith(out, badLoad+" FAILED partitions 0/3 (3 failed)", "3 of 3 partitions of "+badLoad+" failed") || !strings.Contains(out, shared) {
		t.Errorf("watch: no partition counts or shared first error for %s:\n%s", badLoad, out)
	}

	// The terminal view's last screen carries the same reasons.
	screen, code := onTerminal()
	if code != 1 {
		t.Errorf("watch on a terminal: exit %d:\n%s", code, screen)
	}
	for key, why := range reasons {
		if !lineWith(unwrap(screen), key, why) {
			t.Errorf("terminal screen: no reason %q for %s:\n%s", why, key, screen)
		}
	}

	text, code := s.starter(time.Minute, "status", name)
	if code != 0 {
		t.Fatalf("status exit %d:\n%s", code, text)
	}
	for key, why := range reasons {
		if !lineWith(text, "failed "+key+": ", why) {
			t.Errorf("status: no reason %q for %s:\n%s", why, key, text)
		}
	}
	if !strings.Contains(text, shared) {
		t.Errorf("status: no count of partitions sharing the first error:\n%s", text)
	}

	js, code := s.starter(time.Minute, "status", name, "--json")
	if code != 0 {
		t.Fatalf("status --json exit %d:\n%s", code, js)
	}
	var st struct {
		Result struct {
			Outcome      string `json:"outcome"`
			TablesFailed int    `json:"tablesFailed"`
		} `json:"result"`
		FailedTables []struct {
			TableKey, State, Reason, Error string
			PartitionsTotal                int    `json:"partitionsTotal"`
			PartitionsFailed               int    `json:"partitionsFailed"`
			FirstPartitionError            string `json:"firstPartitionError"`
			PartitionsWithFirstError       int    `json:"partitionsWithFirstError"`
		} `json:"failedTables"`
	}
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, js)
	}
	if st.Result.Outcome != "FAILED" || st.Result.TablesFailed != 4 || len(st.FailedTables) != 4 {
		t.Fatalf("status --json: outcome %q, %d failed, %d listed:\n%s", st.Result.Outcome, st.Result.TablesFailed, len(st.FailedTables), js)
	}
	for _, f := range st.FailedTables {
		why, ok := reasons[f.TableKey]
		if !ok || f.State != "FAILED" || !strings.Contains(f.Reason, why) || strings.Contains(f.Reason, "\n") {
			t.Errorf("status --json: table %s state %s reason %q, want FAILED with %q on one line", f.TableKey, f.State, f.Reason, why)
		}
		if f.TableKey == badLoad && (f.PartitionsTotal != 3 || f.PartitionsFailed != 3 || f.PartitionsWithFirstError != 3 ||
			!strings.Contains(f.FirstPartitionError, "NULL result in a non-nullable column")) {
			t.Errorf("status --json: %s: %d/%d partitions failed, first error %q shared by %d; want 3/3 shared by 3",
				f.TableKey, f.PartitionsFailed, f.PartitionsTotal, f.FirstPartitionError, f.PartitionsWithFirstError)
		}
	}
}

// TestWatchFinalScreenShowsEveryTablesCounts: after a fast migration, the final screen
// of `starter watch` (lines and terminal) shows each table's partitions done of total
// and rows with the real counts (source rows, partitions recorded in the metadata),
// tables that started and ended between two refreshes included; `status --tables` lists
// the same.
func TestWatchFinalScreenShowsEveryTablesCounts(t *testing.T) {
	s := newStack(t)
	want := map[string]int64{"fast_a": 25, "fast_b": 17, "fast_c": 41}
	for tbl, n := range want {
		s.pgExec(fmt.Sprintf(`CREATE TABLE %s (id int PRIMARY KEY, v text)`, tbl),
			fmt.Sprintf(`INSERT INTO %s SELECT g, 'v' || g FROM generate_series(1, %d) g`, tbl, n))
	}
	cfg := s.writeConfig("fast.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "FAST" },
    "partitionSize": { "maxRowsPerPartition": 10 }
  },
  "tables": [
    { "source": { "tableName": "fast_a" }, "target": { "tableName": "fast_a" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "fast_b" }, "target": { "tableName": "fast_b" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "fast_c" }, "target": { "tableName": "fast_c" }, "columnNamesToPartitionBy": ["id"] }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	const name = "E2eFast"
	s.create(cfg, name)
	// Both views follow the migration live; the lines with a long interval, so that
	// tables start and end between two refreshes.
	onTerminal := s.watchOnTerminal(name)
	out, code := s.starter(5*time.Minute, "watch", name, "--interval", "5s")
	if code != 0 {
		t.Fatalf("watch exit %d:\n%s", code, out)
	}
	summary := out[strings.LastIndex(out, "Migration "+name+" COMPLETED"):]
	screen, code := onTerminal()
	if code != 0 {
		t.Fatalf("watch on a terminal: exit %d:\n%s", code, screen)
	}
	t.Logf("watch (lines):\n%s\nwatch (terminal, last screen):\n%s", out, screen)
	for tbl, rows := range want {
		key := s.pgDB + ".public." + tbl
		if n := s.sfInt("SELECT COUNT(*) FROM E2E.FAST." + strings.ToUpper(tbl)); n != rows {
			t.Fatalf("%s: %d rows in the target, want %d", tbl, n, rows)
		}
		parts := s.sfInt(fmt.Sprintf(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA
			WHERE WORKFLOW_ID = '%s' AND TABLE_KEY = '%s' AND STATUS = 'COMPLETED'`, name, key))
		if parts < 2 {
			t.Fatalf("%s: %d completed partitions in the metadata; the test wants several", tbl, parts)
		}
		counts := fmt.Sprintf("COMPLETED partitions %d/%d, rows %d,", parts, parts, rows)
		if !lineWith(summary, key, counts) {
			t.Errorf("watch summary: no %q for %s:\n%s", counts, key, summary)
		}
		if !lineWith(screen, key+" ["+strings.Repeat("#", 20)+"] ", counts) {
			t.Errorf("terminal screen: no full bar with %q for %s:\n%s", counts, key, screen)
		}
		if lineWith(screen, key, "0/0") || lineWith(screen, key, "EXECUTING") {
			t.Errorf("terminal screen: a stale line for %s:\n%s", key, screen)
		}
	}

	// status --tables lists every table with its counts (visibility is eventually
	// consistent: poll briefly).
	deadline := time.Now().Add(30 * time.Second)
	for {
		text, code := s.starter(time.Minute, "status", name, "--tables")
		if code != 0 {
			t.Fatalf("status --tables exit %d:\n%s", code, text)
		}
		ok := strings.Contains(text, "tables: 3 shown of 3")
		for tbl, rows := range want {
			ok = ok && lineWith(text, s.pgDB+".public."+tbl, fmt.Sprintf("COMPLETED partitions %s, rows %d,", partsOf(summary, s.pgDB+".public."+tbl), rows))
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status --tables never listed the three tables with their counts:\n%s", text)
		}
		time.Sleep(time.Second)
	}
	// Paged: two pages of two cover the three tables once each.
	listed := map[string]int{}
	for page, head := range map[string]string{"1": "tables: 2 shown of 3, page 1 of 2", "2": "tables: 1 shown of 3, page 2 of 2"} {
		text, code := s.starter(time.Minute, "status", name, "--tables", "--limit", "2", "--page", page)
		if code != 0 || !strings.Contains(text, head) {
			t.Fatalf("status --tables --limit 2 --page %s: exit %d, want %q:\n%s", page, code, head, text)
		}
		if page == "1" && !strings.Contains(text, "1 more: starter status "+name+" --tables --page 2") {
			t.Errorf("page 1 does not say how to see the rest:\n%s", text)
		}
		for tbl := range want {
			if strings.Contains(text, s.pgDB+".public."+tbl+" ") {
				listed[tbl]++
			}
		}
	}
	if len(listed) != 3 || listed["fast_a"] != 1 || listed["fast_b"] != 1 || listed["fast_c"] != 1 {
		t.Errorf("two pages listed %v, want each table once", listed)
	}
	if text, code := s.starter(time.Minute, "status", name, "--tables", "--state", "failed"); code != 0 || !strings.Contains(text, "failed tables: 0 shown of 0") {
		t.Errorf("status --tables --state failed: exit %d:\n%s", code, text)
	}
}

// create starts a migration on the stack's queues.
func (s *stack) create(cfg, name string) {
	s.t.Helper()
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		s.t.Fatalf("create exit %d:\n%s", code, out)
	}
}

// watchOnTerminal starts `starter watch` on a pseudo-terminal (util-linux script); the
// function it returns waits for it and gives the screen it left, as a terminal would
// show it, and the exit code.
func (s *stack) watchOnTerminal(name string) func() (string, int) {
	s.t.Helper()
	scriptPath, err := exec.LookPath("script")
	if err != nil {
		s.t.Skip("no script(1) for a pseudo-terminal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	cmdline := strings.Join([]string{filepath.Join(binDir, "starter"), "watch", name, "--interval", "300ms"}, " ")
	cmd := exec.CommandContext(ctx, scriptPath, "-qfec", cmdline, "/dev/null")
	cmd.Env = s.env
	var raw bytes.Buffer
	cmd.Stdout = &raw
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("script: %v", err)
	}
	return func() (string, int) {
		s.t.Helper()
		defer cancel()
		err := cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			s.t.Fatalf("script: %v", err)
		}
		if ctx.Err() != nil {
			s.t.Fatalf("watch on a terminal did not end within 5 minutes:\n%s", replayTerminal(raw.String()))
		}
		return replayTerminal(raw.String()), code
	}
}

// replayTerminal applies what the terminal renderer writes (text, CR, LF, cursor up,
// clear to the end of the screen, colours ignored) and returns the final screen.
func replayTerminal(out string) string {
	var lines []string
	row := 0
	esc := regexp.MustCompile(`^\x1b\[([0-9;?]*)([A-Za-z])`)
	for i := 0; i < len(out); {
		if m := esc.FindStringSubmatch(out[i:]); m != nil {
			n, _ := strconv.Atoi(m[1])
			switch m[2] {
			case "A":
				row = max(0, row-max(n, 1))
			case "J":
				lines = lines[:min(row, len(lines))]
			}
			i += len(m[0])
			continue
		}
		switch out[i] {
		case '\r':
			i++
			continue
		case '\n':
			row++
			i++
			continue
		}
		j := strings.IndexAny(out[i:], "\x1b\r\n")
		if j < 0 {
			j = len(out) - i
		}
		for len(lines) <= row {
			lines = append(lines, "")
		}
		lines[row] += out[i : i+j]
		i += j
	}
	return strings.Join(lines, "\n")
}

// unwrap joins the continuation lines (indented six spaces) the terminal view wraps
// long reasons into.
func unwrap(screen string) string {
	return strings.ReplaceAll(screen, "\n      ", " ")
}

// lineWith tells whether one line of text contains both a and b.
func lineWith(text, a, b string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, a) && strings.Contains(l, b) {
			return true
		}
	}
	return false
}

// partsOf finds "N/N" after key in a summary line.
func partsOf(summary, key string) string {
	re := regexp.MustCompile(regexp.QuoteMeta(key) + `\s.*partitions (\d+/\d+)`)
	if m := re.FindStringSubmatch(summary); m != nil {
		return m[1]
	}
	return "?"
}
