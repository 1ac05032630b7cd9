package e2e

// The fault suite (issue 7): on the real stack — a private Temporal dev server with a
// SQLite file, a private PostgreSQL and a private emulator, so that each can be taken
// away and given back — a migration runs while seeded random faults hit it: SIGKILL of
// the orchestrator (at a random moment, inside a load, right at a continue-as-new) and of
// the source worker (at a random moment, inside an extract or upload), restarts of the
// Temporal server, the emulator and PostgreSQL (graceful or crash). Every trial must end
// COMPLETED, every value equal to the source, nothing duplicated, within a bounded time
// after the last fault.
//
// `make test` runs two trials (every kind of fault between them, ~2.5 min); `make soak`
// (SNOWMIGRATE_FAULT_SOAK=1) runs 30 with 3 to 7 faults each. Every trial logs its seed,
// its faults and its outcome; SNOWMIGRATE_FAULT_SEED=<seed> SNOWMIGRATE_FAULT_TRIALS=1
// (plus SNOWMIGRATE_FAULT_SOAK=1 for a soak trial) replays one trial's plan: kinds,
// order, pauses, stop modes. The moments the triggers fire still depend on timing.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/workflows"
)

const (
	envFaultSeed   = "SNOWMIGRATE_FAULT_SEED"   // the first trial's seed (trial i uses seed+i)
	envFaultTrials = "SNOWMIGRATE_FAULT_TRIALS" // how many trials
	envFaultSoak   = "SNOWMIGRATE_FAULT_SOAK"   // 1: the long soak (more trials, more faults)
)

// faultSettings reads the seed and trial count; soak says whether this is the long run.
func faultSettings(t *testing.T, bounded, soakTrials int) (seed int64, trials int, soak bool) {
	soak = os.Getenv(envFaultSoak) == "1"
	trials = bounded
	if soak {
		trials = soakTrials
	}
	seed = time.Now().UnixNano() % 1_000_000_000
	if v := os.Getenv(envFaultSeed); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want an integer", envFaultSeed, v)
		}
		seed = n
	}
	if v := os.Getenv(envFaultTrials); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			t.Fatalf("%s=%q: want 1 to 10000", envFaultTrials, v)
		}
		trials = n
	}
	return seed, trials, soak
}

// faultKind is one kind of fault the suite injects.
type faultKind int

const (
	killOrchestrator       faultKind = iota // SIGKILL at a random moment
	killOrchestratorInLoad                  // SIGKILL while a SnowflakeLoadPartition runs
	killOrchestratorAtCAN                   // SIGKILL as soon as a workflow continued as new
	killSource                              // SIGKILL at a random moment
	killSourceInExtract                     // SIGKILL while an extract or upload runs
	restartTemporal                         // dev server stopped (TERM or KILL) and started on the same file
	restartEmulator                         // emulator stopped (INT or KILL) and started on the same data
	restartEmulatorInLoad                   // the same, while a load runs
	restartPostgres                         // fast or immediate shutdown, then start
	numFaultKinds
)

var faultNames = [...]string{"kill-orchestrator", "kill-orchestrator-in-load", "kill-orchestrator-at-continue-as-new",
	"kill-source", "kill-source-in-extract", "restart-temporal", "restart-emulator", "restart-emulator-in-load", "restart-postgres"}

func (k faultKind) String() string { return faultNames[k] }

// faultTableDefs is the trial's source data: an integer key with every common type and
// NULLs, a text key, and a composite key with NULL keys (its own partition).
type faultTableDef struct {
	name    string
	ddl     []string
	keys    string // JSON list of partition columns
	perPart int
	spec    tableSpec
}

func faultTableDefs(scale int) []faultTableDef {
	return []faultTableDef{
		{
			name: "fa", keys: `["id"]`, perPart: 1200,
			ddl: []string{
				`CREATE TABLE fa (id bigint PRIMARY KEY, t text, n numeric(14,3), ts timestamptz, b bytea, f double precision, flag boolean)`,
				fmt.Sprintf(`INSERT INTO fa SELECT g, CASE WHEN g %% 97 = 0 THEN NULL ELSE 'row ' || g || repeat('x', g %% 40) END,
				  (g * 7.125)::numeric(14,3), timestamptz '2020-01-01 00:00+00' + g * interval '37 seconds',
				  CASE WHEN g %% 89 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END, g / 3.0, g %% 3 = 0
				  FROM generate_series(1, %d) g`, 40*1200*scale),
			},
			spec: tableSpec{pgFrom: "fa", pgOrder: "id", sfFrom: "E2E.FAULT.FA", sfOrder: "ID", cols: []col{
				{"id", "ID", "int"}, {"t", "T", "text"}, {"n::text", "TO_VARCHAR(N)", "dec"},
				{"(extract(epoch from ts) * 1000000)::bigint", "TS", "tstz"}, {"b", "B", "bytes"},
				{"f", "F", "float"}, {"flag", "FLAG", "bool"}}},
		},
		{
			name: "fb", keys: `["k"]`, perPart: 1000,
			ddl: []string{
				`CREATE TABLE fb (k text PRIMARY KEY, v integer, d date)`,
				fmt.Sprintf(`INSERT INTO fb SELECT 'key-' || lpad(g::text, 7, '0'), g, date '2000-01-01' + (g %% 9000) FROM generate_series(1, %d) g`, 15*1000*scale),
			},
			spec: tableSpec{pgFrom: "fb", pgOrder: "k", sfFrom: "E2E.FAULT.FB", sfOrder: "K", cols: []col{
				{"k", "K", "text"}, {"v", "V", "int"}, {"d", "D", "date"}}},
		},
		{
			name: "fc", keys: `["region", "seq"]`, perPart: 400,
			ddl: []string{
				`CREATE TABLE fc (id int NOT NULL, region text, seq int, amount numeric(10,2))`,
				fmt.Sprintf(`INSERT INTO fc SELECT g, (ARRAY['eu','us','apac',NULL])[1 + g %% 4], CASE WHEN g %% 11 = 0 THEN NULL ELSE g %% 50 END, g * 1.25
				  FROM generate_series(1, %d) g`, 4000*scale),
			},
			spec: tableSpec{pgFrom: "fc", pgOrder: "id", sfFrom: "E2E.FAULT.FC", sfOrder: "ID", cols: []col{
				{"id", "ID", "int"}, {"region", "REGION", "text"}, {"seq", "SEQ", "int"}, {"amount::text", "TO_VARCHAR(AMOUNT)", "dec"}}},
		},
	}
}

// faultStack is a stack on private, restartable services, with workers that can be
// SIGKILLed and replaced.
type faultStack struct {
	*stack
	tp   *testenv.PrivateTemporal
	pe   *testenv.PrivateEmu
	pp   *testenv.PrivatePG
	tc   client.Client
	mu   sync.Mutex
	all  []*worker
	seqs map[string]int
}

// worker is one workers process the suite may kill.
type worker struct {
	name   string
	role   string
	cmd    *exec.Cmd
	exited <-chan struct{}
	killed bool // by the suite
}

func (w *worker) hasExited() bool {
	select {
	case <-w.exited:
		return true
	default:
		return false
	}
}

func newFaultStack(t *testing.T) *faultStack {
	t.Helper()
	if testing.Short() {
		t.Skip("fault suite: skipped with -short")
	}
	dir := t.TempDir()
	binaries(t)
	pp := testenv.StartPrivatePostgres(t)
	tp := testenv.StartPrivateTemporal(t, filepath.Join(dir, "temporal.db"))
	pe := testenv.StartPrivateEmulator(t, filepath.Join(dir, "emu"))
	s := &stack{t: t, pg: pp.PG, temporal: tp.TemporalServer, emu: pe.Emu, dir: dir}
	s.pgDSN = pp.NewDatabase(t)
	cfg, err := pgx.ParseConfig(s.pgDSN)
	if err != nil {
		t.Fatal(err)
	}
	s.pgDB = cfg.Database
	s.queue = "fault-" + strings.NewReplacer("/", "-", "#", "-").Replace(strings.ToLower(t.Name()))
	s.env = append(os.Environ(),
		"TEMPORAL_ADDRESS="+tp.Address(),
		"TEMPORAL_NAMESPACE="+tp.Namespace(),
		"SNOWFLAKE_HOME="+pe.SnowflakeHome(),
		"SNOWFLAKE_CONNECTION_NAME="+pe.ConnectionName(),
	)
	f := &faultStack{stack: s, tp: tp, pe: pe, pp: pp, tc: tp.Client(t), seqs: map[string]int{}}
	t.Cleanup(f.stopWorkers) // runs before the services stop (cleanups run last-in first-out)
	if _, err := s.sf().Exec("CREATE DATABASE IF NOT EXISTS E2E"); err != nil {
		t.Fatal(err)
	}
	return f
}

// launch starts a workers process of role "orchestrator" or "source".
func (f *faultStack) launch(role string) *worker {
	f.t.Helper()
	f.mu.Lock()
	f.seqs[role]++
	name := fmt.Sprintf("%s-%d", role, f.seqs[role])
	f.mu.Unlock()
	args := []string{"orchestrator", "--task-queue-base", f.queue}
	if role == "source" {
		args = []string{"source", "--config", f.workerTOML(name, 3), "--task-queue-base", f.queue}
	}
	cmd, exited := spawn(f.t, f.env, filepath.Join(f.dir, name+".log"), "workers", args...)
	w := &worker{name: name, role: role, cmd: cmd, exited: exited}
	f.mu.Lock()
	f.all = append(f.all, w)
	f.mu.Unlock()
	return w
}

// kill SIGKILLs w and waits for it to be gone.
func (f *faultStack) kill(w *worker) {
	f.mu.Lock()
	w.killed = true
	f.mu.Unlock()
	_ = w.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-w.exited:
	case <-time.After(30 * time.Second):
		f.t.Fatalf("%s did not die after SIGKILL", w.name)
	}
}

func (f *faultStack) stopWorkers() {
	f.mu.Lock()
	ws := append([]*worker(nil), f.all...)
	f.mu.Unlock()
	for _, w := range ws {
		if !w.hasExited() {
			_ = w.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	for _, w := range ws {
		select {
		case <-w.exited:
		case <-time.After(10 * time.Second):
			_ = w.cmd.Process.Kill()
		}
	}
}

// logTails returns the ends of the workers' and services' logs, for a failure message.
func (f *faultStack) logTails(n int) string {
	var b strings.Builder
	paths, _ := filepath.Glob(filepath.Join(f.dir, "*.log"))
	paths = append(paths, f.pe.LogPath, f.tp.LogPath(), f.pp.LogPath())
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		if len(data) > n {
			data = data[len(data)-n:]
		}
		fmt.Fprintf(&b, "---- %s (tail) ----\n%s\n", filepath.Base(p), data)
	}
	return b.String()
}

// trial is one migration under faults.
type trial struct {
	*faultStack
	t         *testing.T
	rng       *rand.Rand
	name      string
	tables    []faultTableDef
	lim       workflows.Limits
	start     time.Time
	orch, src *worker
	events    []string // what happened, for the log and the report
	lastFault time.Time
	injected  int
	anomalies []string        // workers that died on their own
	sfPoll    *sql.DB         // one session for SHOW TRANSACTIONS polls
	orphans   map[string]bool // transactions open when a process was killed
}

func (tr *trial) logf(format string, args ...any) {
	line := fmt.Sprintf("[+%5.1fs] ", time.Since(tr.start).Seconds()) + fmt.Sprintf(format, args...)
	tr.events = append(tr.events, line)
	tr.t.Log(line)
}

// tableWorkflowIDs are the child IDs of the trial's migration.
func (tr *trial) tableWorkflowIDs() []string {
	ids := make([]string, len(tr.tables))
	for i, d := range tr.tables {
		ids[i] = workflows.TableWorkflowID(tr.name, tr.pgDB+".public."+d.name)
	}
	return ids
}

// migrationClosed reports whether the migration's latest run has closed (false when
// Temporal cannot be asked right now).
func (tr *trial) migrationClosed() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := tr.tc.DescribeWorkflowExecution(ctx, tr.name, "")
	if err != nil {
		return false
	}
	st := d.GetWorkflowExecutionInfo().GetStatus()
	return st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING && st != enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW
}

// supervise replaces a worker that died without being killed by the suite (that is an
// anomaly: recorded, and the trial fails at the end), like a service manager would.
func (tr *trial) supervise() {
	for _, pw := range []**worker{&tr.orch, &tr.src} {
		w := *pw
		tr.mu.Lock()
		killed := w.killed
		tr.mu.Unlock()
		if w.hasExited() && !killed {
			msg := fmt.Sprintf("%s exited on its own (%v); log tail:\n%s", w.name, w.cmd.ProcessState, tailFile(filepath.Join(tr.dir, w.name+".log"), 1500))
			tr.anomalies = append(tr.anomalies, msg)
			tr.logf("ANOMALY: %s", msg)
			*pw = tr.launch(w.role)
			tr.logf("started %s in its place", (*pw).name)
		}
	}
}

func tailFile(p string, n int) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// pendingStarted returns "table activity attempt" for every started activity of the
// given names in the trial's table workflows.
func (tr *trial) pendingStarted(names ...string) []string {
	var out []string
	for _, id := range tr.tableWorkflowIDs() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		d, err := tr.tc.DescribeWorkflowExecution(ctx, id, "")
		cancel()
		if err != nil {
			continue
		}
		for _, pa := range d.GetPendingActivities() {
			if pa.GetState() != enumspb.PENDING_ACTIVITY_STATE_STARTED {
				continue
			}
			for _, n := range names {
				if pa.GetActivityType().GetName() == n {
					out = append(out, fmt.Sprintf("%s %s attempt %d", id[strings.LastIndex(id, ".")+1:], n, pa.GetAttempt()))
				}
			}
		}
	}
	return out
}

// runIDs maps the migration and its tables to their current run IDs.
func (tr *trial) runIDs() map[string]string {
	out := map[string]string{}
	for _, id := range append([]string{tr.name}, tr.tableWorkflowIDs()...) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		d, err := tr.tc.DescribeWorkflowExecution(ctx, id, "")
		cancel()
		if err == nil {
			out[id] = d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
		}
	}
	return out
}

// errFinished says the migration ended before a trigger fired: no more faults.
var errFinished = errors.New("the migration finished before the fault's moment came")

// errNoMoment says a trigger never fired while the migration ran (e.g. nothing loads any
// more): no more faults; waiting for the result then shows whether it stalled.
var errNoMoment = errors.New("the fault's moment never came")

// waitFor polls cond until it returns a description, the migration closes, or 2 minutes
// pass.
func (tr *trial) waitFor(what string, cond func() string) (string, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		if got := cond(); got != "" {
			return got, nil
		}
		if i%20 == 19 {
			tr.supervise()
			if tr.migrationClosed() {
				return "", errFinished
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	return "", fmt.Errorf("%w: %s not seen within 2 minutes", errNoMoment, what)
}

// openTransactions asks the emulator for its open transactions (SHOW TRANSACTIONS): ids
// maps each transaction's id to "id session name"; ok is false when the emulator
// cannot say.
func (tr *trial) openTransactions() (ids map[string]string, ok bool, why string) {
	for attempt := 0; attempt < 2; attempt++ { // a restarted emulator forgot the poller's session
		if ids, ok, why = tr.showTransactions(); ok {
			break
		}
	}
	return ids, ok, why
}

func describeTxns(ids map[string]string) string {
	var d []string
	for _, v := range ids {
		d = append(d, v)
	}
	sort.Strings(d)
	return fmt.Sprintf("%d open transaction(s) in the emulator [%s]", len(d), strings.Join(d, "; "))
}

func (tr *trial) showTransactions() (map[string]string, bool, string) {
	if tr.sfPoll == nil {
		db, err := sql.Open("snowflake", tr.pe.DSN("", ""))
		if err != nil {
			return nil, false, err.Error()
		}
		tr.sfPoll = db
		tr.t.Cleanup(func() { db.Close() })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	rows, err := tr.sfPoll.QueryContext(ctx, `SHOW TRANSACTIONS`)
	if err != nil {
		tr.sfPoll.Close() // log in again next time
		tr.sfPoll = nil
		return nil, false, "SHOW TRANSACTIONS unavailable: " + firstLine(err.Error())
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	ids := map[string]string{}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if rows.Scan(ptrs...) != nil {
			continue
		}
		var id string
		var d []string
		for i, c := range cols {
			switch strings.ToLower(c) {
			case "id":
				id = vals[i].String
				d = append(d, "id="+id)
			case "session", "name":
				d = append(d, strings.ToLower(c)+"="+vals[i].String)
			}
		}
		ids[id] = strings.Join(d, " ")
	}
	if rows.Err() != nil {
		return nil, false, "SHOW TRANSACTIONS: " + firstLine(rows.Err().Error())
	}
	return ids, true, ""
}

// noteOrphans remembers the transactions open right after a kill: they belong to the
// dead process, so a later "inside a load" trigger must not mistake them for a live
// load.
func (tr *trial) noteOrphans() string {
	ids, ok, why := tr.openTransactions()
	if !ok {
		return why
	}
	if tr.orphans == nil {
		tr.orphans = map[string]bool{}
	}
	for id := range ids {
		tr.orphans[id] = true
	}
	return describeTxns(ids)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func (tr *trial) mode() testenv.StopMode {
	if tr.rng.Intn(2) == 0 {
		return testenv.Crash
	}
	return testenv.Graceful
}

// inject waits for the fault's moment and injects it.
func (tr *trial) inject(k faultKind) error {
	// Inside a load: a SnowflakeLoadPartition has started and the emulator shows an open
	// transaction (when it can say), so the fault lands between BEGIN and COMMIT.
	loads := func() string {
		l := strings.Join(tr.pendingStarted(snowflakeapi.LoadPartitionName), ", ")
		if l == "" {
			return ""
		}
		ids, ok, why := tr.openTransactions()
		if !ok {
			return l + "; " + why
		}
		live := map[string]string{}
		for id, d := range ids {
			if !tr.orphans[id] {
				live[id] = d
			}
		}
		if len(live) == 0 {
			return ""
		}
		return l + "; " + describeTxns(live)
	}
	// Draw every random number up front so that a seed replays the same plan whatever
	// the triggers see.
	mode, down, delay := tr.mode(), tr.rng.Intn(3001), tr.rng.Intn(151)
	switch k {
	case killOrchestrator, killOrchestratorInLoad, killOrchestratorAtCAN:
		what := "at a random moment"
		switch k {
		case killOrchestratorInLoad:
			got, err := tr.waitFor("a running load", loads)
			if err != nil {
				return err
			}
			what = "inside " + got
		case killOrchestratorAtCAN:
			base := tr.runIDs()
			got, err := tr.waitFor("a continue-as-new", func() string {
				for id, run := range tr.runIDs() {
					if old, ok := base[id]; ok && old != run {
						return id + " began run " + run
					}
					if _, ok := base[id]; !ok {
						base[id] = run
					}
				}
				return ""
			})
			if err != nil {
				return err
			}
			what = "right after " + got
		}
		old := tr.orch
		tr.kill(old)
		tr.lastFault = time.Now()
		ev := "; after the kill: " + tr.noteOrphans()
		time.Sleep(time.Duration(down) * time.Millisecond)
		tr.orch = tr.launch("orchestrator")
		tr.logf("FAULT %s: SIGKILL %s %s%s; %s started %dms later", k, old.name, what, ev, tr.orch.name, down)
	case killSource, killSourceInExtract:
		what := "at a random moment"
		if k == killSourceInExtract {
			got, err := tr.waitFor("a running extract or upload", func() string {
				return strings.Join(tr.pendingStarted(sourceapi.ExtractName, sourceapi.UploadName), ", ")
			})
			if err != nil {
				return err
			}
			time.Sleep(time.Duration(delay) * time.Millisecond)
			what = "inside " + got + fmt.Sprintf(" (+%dms)", delay)
		}
		old := tr.src
		tr.kill(old)
		tr.lastFault = time.Now()
		time.Sleep(time.Duration(down) * time.Millisecond)
		tr.src = tr.launch("source")
		tr.logf("FAULT %s: SIGKILL %s %s; %s started %dms later", k, old.name, what, tr.src.name, down)
	case restartTemporal:
		t0 := time.Now()
		if err := tr.tp.Restart(mode, time.Duration(down)*time.Millisecond); err != nil {
			return fmt.Errorf("restart temporal: %w", err)
		}
		tr.lastFault = time.Now()
		tr.logf("FAULT %s (%s stop, %dms down): serving again after %.1fs", k, mode, down, time.Since(t0).Seconds())
	case restartEmulator, restartEmulatorInLoad:
		what := "at a random moment"
		if k == restartEmulatorInLoad {
			got, err := tr.waitFor("a running load", loads)
			if err != nil {
				return err
			}
			what = "inside " + got
		}
		t0 := time.Now()
		if err := tr.pe.Restart(mode, time.Duration(down)*time.Millisecond); err != nil {
			return fmt.Errorf("restart emulator: %w", err)
		}
		tr.lastFault = time.Now()
		tr.logf("FAULT %s (%s stop, %dms down) %s: serving again after %.1fs", k, mode, down, what, time.Since(t0).Seconds())
	case restartPostgres:
		t0 := time.Now()
		if err := tr.pp.Restart(mode, time.Duration(down)*time.Millisecond); err != nil {
			return fmt.Errorf("restart postgres: %w", err)
		}
		tr.lastFault = time.Now()
		tr.logf("FAULT %s (%s stop, %dms down): serving again after %.1fs", k, mode, down, time.Since(t0).Seconds())
	}
	tr.injected++
	return nil
}

// plan draws the trial's faults: the kinds in core (so that the bounded run covers
// every kind across its trials) plus extra random ones, in random order.
func plan(rng *rand.Rand, core []faultKind, extra int) []faultKind {
	p := append([]faultKind(nil), core...)
	for i := 0; i < extra; i++ {
		p = append(p, faultKind(rng.Intn(int(numFaultKinds))))
	}
	rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// TestFaultSuite runs seeded trials of one migration under random faults.
func TestFaultSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: skipped with -short")
	}
	seed, trials, soak := faultSettings(t, 2, 30)
	t.Logf("fault suite: %d trial(s), first seed %d, soak %v (replay one trial: %s=<its seed> %s=1, and %s=1 for a soak trial)",
		trials, seed, soak, envFaultSeed, envFaultTrials, envFaultSoak)
	var summary []string
	for i := 0; i < trials; i++ {
		tseed := seed + int64(i)
		rng := rand.New(rand.NewSource(tseed))
		// A trial is determined by its seed (and the soak flag): the bounded run takes
		// every other kind by the seed's parity, so two consecutive seeds cover every
		// kind; the soak draws 3 to 7 faults of any kind.
		var core []faultKind
		extra := 0
		if soak {
			extra = 3 + rng.Intn(5)
		} else {
			for k := faultKind(0); k < numFaultKinds; k++ {
				if int64(k)%2 == (tseed%2+2)%2 {
					core = append(core, k)
				}
			}
		}
		faults := plan(rng, core, extra)
		outcome := "FAILED before the migration started"
		t.Run(fmt.Sprintf("trial%d-seed%d", i+1, tseed), func(t *testing.T) {
			runFaultTrial(t, rng, soak, faults, &outcome)
		})
		line := fmt.Sprintf("trial %d seed %d: %s", i+1, tseed, outcome)
		summary = append(summary, line)
	}
	t.Logf("fault suite summary (%d trials):\n%s", trials, strings.Join(summary, "\n"))
}

// runFaultTrial runs one migration under faults and checks the result; *outcome gets a
// one-line summary (set as the trial goes, so that a fatal failure leaves its reason).
func runFaultTrial(t *testing.T, rng *rand.Rand, soak bool, faults []faultKind, outcome *string) {
	f := newFaultStack(t)
	tr := &trial{faultStack: f, t: t, rng: rng, name: "Fault" + strconv.Itoa(rng.Intn(1_000_000)), tables: faultTableDefs(1)}
	tr.lim = workflows.Limits{TableWindow: 2, PartitionWindow: 3, TablesPerRun: 2, PartitionsPerRun: 4 + rng.Intn(5),
		MirrorBatch: 5, HeartbeatTimeout: 20 * time.Second, UploadScheduleToStart: 20 * time.Second}
	if soak && rng.Intn(3) == 0 {
		tr.lim.HeartbeatTimeout = 45 * time.Second // the default
	}
	t.Logf("plan: %v; limits %+v", faults, tr.lim)
	var tableJSON []string
	for _, d := range tr.tables {
		f.pgExec(d.ddl...)
		tableJSON = append(tableJSON, fmt.Sprintf(`{ "source": { "tableName": %q }, "target": { "tableName": %q }, "columnNamesToPartitionBy": %s, "partitionSize": { "maxRowsPerPartition": %d } }`,
			d.name, d.name, d.keys, d.perPart))
	}
	f.pgExec("ANALYZE")
	cfg, probs := config.Parse([]byte(fmt.Sprintf(`{
  "defaultTableConfiguration": { "source": { "databaseName": %q, "schemaName": "public" }, "target": { "databaseName": "E2E", "schemaName": "FAULT" } },
  "tables": [ %s ]
}`, f.pgDB, strings.Join(tableJSON, ",\n"))))
	if len(probs) > 0 {
		t.Fatalf("the trial's configuration: %v", probs)
	}
	if _, probs := config.Normalize(cfg, "postgresql"); len(probs) > 0 {
		t.Fatalf("the trial's configuration: %v", probs)
	}
	tr.orch = f.launch("orchestrator")
	tr.src = f.launch("source")
	tr.start = time.Now()
	if err := f.startMigration(tr.name, cfg, tr.lim); err != nil {
		t.Fatal(err)
	}
	tr.logf("started migration %s (%d tables)", tr.name, len(tr.tables))
	defer func() {
		if t.Failed() {
			t.Logf("trial events:\n%s\n%s", strings.Join(tr.events, "\n"), f.logTails(4000))
		}
	}()

	for _, k := range faults {
		time.Sleep(time.Duration(500+rng.Intn(4000)) * time.Millisecond)
		tr.supervise()
		if tr.migrationClosed() {
			tr.logf("the migration finished before fault %s: the remaining faults are skipped", k)
			break
		}
		if err := tr.inject(k); err != nil {
			if errors.Is(err, errFinished) || errors.Is(err, errNoMoment) {
				tr.logf("fault %s: %v; the remaining faults are skipped", k, err)
				break
			}
			*outcome = fmt.Sprintf("FAILED injecting %s: %v", k, err)
			t.Fatalf("fault %s: %v", k, err)
		}
	}
	if tr.injected == 0 {
		*outcome = "FAILED: no fault landed while the migration ran"
		t.Fatalf("no fault landed while the migration ran: the trial proves nothing")
	}

	// Liveness: nothing a fault leaves behind may stall the migration for longer than
	// the heartbeat timeout plus a minute; on top of that, allow the retry backoff's
	// ceiling (2 min) and the remaining work.
	bound := tr.lim.HeartbeatTimeout + time.Minute + 2*time.Minute + 2*time.Minute
	res, err := tr.waitResult(tr.lastFault.Add(bound))
	after := time.Since(tr.lastFault)
	if err != nil {
		*outcome = fmt.Sprintf("FAILED: %v (%d faults: %s)", err, tr.injected, strings.Join(faultList(tr.events), ", "))
		t.Fatalf("%v\npending work:\n%s", err, tr.pendingReport())
	}
	tr.logf("migration ended %s: %d/%d tables, %d rows, %.0fs after the last fault", res.Outcome, res.TablesCompleted, res.TablesTotal, res.Rows, after.Seconds())
	*outcome = fmt.Sprintf("%s %.0fs after the last of %d faults (%s)", res.Outcome, after.Seconds(), tr.injected, strings.Join(faultList(tr.events), ", "))
	if res.Outcome != workflows.OutcomeCompleted || res.TablesCompleted != len(tr.tables) {
		t.Errorf("outcome %s with %d of %d tables completed; failures: %+v", res.Outcome, res.TablesCompleted, len(tr.tables), res.Failures)
	}
	total := 0
	for _, d := range tr.tables {
		n := f.compareTable(d.spec)
		total += n
		f.checkPartitionMetadata(tr.name, tr.pgDB+".public."+d.name, n)
		key := d.spec.sfOrder
		if d.name == "fc" {
			key = "ID"
		}
		if all, distinct := f.sfInt("SELECT COUNT(*) FROM "+d.spec.sfFrom), f.sfInt("SELECT COUNT(DISTINCT "+key+") FROM "+d.spec.sfFrom); all != distinct {
			t.Errorf("%s: %d rows but %d distinct keys: duplicates", d.spec.sfFrom, all, distinct)
		}
	}
	if res.Rows != int64(total) {
		t.Errorf("the result counts %d rows, the source has %d", res.Rows, total)
	}
	f.checkTableMetadata(tr.name, len(tr.tables))
	// What a killed process left open must be gone once its partitions were redone: on
	// Snowflake a leftover keeps its locks until the session expires (hours) and would
	// block a re-run's DELETE or MERGE.
	if ids, ok, _ := tr.openTransactions(); ok {
		tr.logf("after the migration: %s", describeTxns(ids))
		if len(ids) > 0 {
			t.Errorf("transactions still open after the migration completed: %s", describeTxns(ids))
		}
	}
	for _, a := range tr.anomalies {
		t.Errorf("a worker died without being killed: %s", a)
	}
	if after > bound {
		t.Errorf("the migration ended %s after the last fault, over the %s bound", after.Round(time.Second), bound)
	}
	if t.Failed() {
		*outcome = "FAILED checks after " + *outcome
	} else {
		*outcome = "OK: " + *outcome + fmt.Sprintf("; %d rows equal", total)
	}
}

// faultList picks the injected faults out of a trial's events.
func faultList(events []string) []string {
	var out []string
	for _, e := range events {
		if i := strings.Index(e, "FAULT "); i >= 0 {
			rest := e[i+len("FAULT "):]
			if j := strings.IndexAny(rest, ": ("); j > 0 {
				rest = rest[:j]
			}
			out = append(out, rest)
		}
	}
	return out
}

// startMigration starts DataMigrationWorkflow as the starter does, with limits the
// starter does not expose (small continue-as-new thresholds).
func (f *faultStack) startMigration(name string, cfg config.WorkflowConfig, lim workflows.Limits) error {
	in := workflows.MigrationInput{Name: name, ConnectionName: f.emu.ConnectionName(), SourcePlatform: "postgresql",
		Config: cfg, TaskQueueBase: f.queue, Limits: lim}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := f.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       name,
		TaskQueue:                                workflows.OrchestratorQueue(f.queue, ""),
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchAttrMigration).ValueSet(name),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchAttrPlatform).ValueSet("postgresql"),
		),
	}, workflows.DataMigrationWorkflowName, in)
	if err != nil {
		return fmt.Errorf("start migration %s: %w", name, err)
	}
	return nil
}

// waitResult waits (supervising the workers) until the migration closes or the
// deadline passes, and returns its result.
func (tr *trial) waitResult(deadline time.Time) (workflows.MigrationResult, error) {
	for time.Now().Before(deadline) {
		tr.supervise()
		if tr.migrationClosed() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var res workflows.MigrationResult
			err := tr.tc.GetWorkflow(ctx, tr.name, "").Get(ctx, &res)
			if err != nil {
				if r, ok := workflows.MigrationResultFromError(err); ok {
					return r, nil
				}
				return res, fmt.Errorf("the migration ended in error: %w", err)
			}
			return res, nil
		}
		time.Sleep(time.Second)
	}
	return workflows.MigrationResult{}, fmt.Errorf("STALL: the migration was still running %s after the last fault", time.Since(tr.lastFault).Round(time.Second))
}

// pendingReport describes what every workflow of the trial is waiting for, with the
// last failure of each pending activity: the symptom of a stall.
func (tr *trial) pendingReport() string {
	var b strings.Builder
	for _, id := range append([]string{tr.name}, tr.tableWorkflowIDs()...) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		d, err := tr.tc.DescribeWorkflowExecution(ctx, id, "")
		cancel()
		if err != nil {
			var nf *serviceerror.NotFound
			if errors.As(err, &nf) {
				fmt.Fprintf(&b, "%s: not started\n", id)
			} else {
				fmt.Fprintf(&b, "%s: %v\n", id, err)
			}
			continue
		}
		fmt.Fprintf(&b, "%s: %s, %d events\n", id, d.GetWorkflowExecutionInfo().GetStatus(), d.GetWorkflowExecutionInfo().GetHistoryLength())
		for _, pa := range d.GetPendingActivities() {
			fmt.Fprintf(&b, "  %s %s attempt %d last failure: %s\n", pa.GetActivityType().GetName(), pa.GetState(), pa.GetAttempt(),
				firstLine(pa.GetLastFailure().GetMessage()))
		}
	}
	return b.String()
}

// checkTableMetadata: the mirror says every table of the migration COMPLETED.
func (s *stack) checkTableMetadata(migration string, tables int) {
	s.t.Helper()
	rows, err := s.sf().Query(`SELECT TABLE_KEY, STATUS FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA WHERE WORKFLOW_ID = '` + migration + `'`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var key, st string
		if err := rows.Scan(&key, &st); err != nil {
			s.t.Fatal(err)
		}
		n++
		if st != "COMPLETED" {
			s.t.Errorf("TABLE_METADATA says %s for %s of %s", st, key, migration)
		}
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	if n != tables {
		s.t.Errorf("TABLE_METADATA has %d rows for %s, want %d", n, migration, tables)
	}
}

// TestFaultThreeMigrationsStartedTogether starts three migrations at the same moment
// (three starter processes released together) on a fresh account — no metadata database
// yet, so their first-time setups race — all loading into one new target schema. All
// three must complete with every value equal and nothing duplicated.
func TestFaultThreeMigrationsStartedTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	_, trials, _ := faultSettings(t, 1, 10)
	var summary []string
	for i := 0; i < trials; i++ {
		outcome := "FAILED (see the log)"
		t.Run(fmt.Sprintf("trial%d", i+1), func(t *testing.T) { outcome = threeTogether(t, i+1) })
		summary = append(summary, fmt.Sprintf("trial %d: %s", i+1, outcome))
	}
	t.Logf("three migrations together, %d trial(s):\n%s", trials, strings.Join(summary, "\n"))
}

func threeTogether(t *testing.T, trialNo int) string {
	s := newStack(t) // a fresh emulator: a fresh account
	const rows = 6000
	names := make([]string, 3)
	cfgs := make([]string, 3)
	for j := range names {
		names[j] = fmt.Sprintf("Together%dT%d", trialNo, j+1)
		s.pgExec(fmt.Sprintf(`CREATE TABLE t%d (id bigint PRIMARY KEY, v text, n numeric(10,2))`, j+1),
			fmt.Sprintf(`INSERT INTO t%d SELECT g, 'm%d-' || g, g / 4.0 FROM generate_series(1, %d) g`, j+1, j+1, rows))
		cfgs[j] = s.writeConfig(fmt.Sprintf("together%d.json", j+1), fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "t%d" },
                "target": { "databaseName": "E2E", "schemaName": "TOGETHER", "tableName": "t%d" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 600 } } ]
}`, s.pgDB, j+1, j+1))
	}
	var n int64
	if err := s.sf().QueryRow(`SELECT COUNT(*) FROM INFORMATION_SCHEMA.DATABASES WHERE DATABASE_NAME = 'SNOWCONVERT_AI'`).Scan(&n); err == nil && n != 0 {
		t.Fatalf("the account is not fresh: SNOWCONVERT_AI exists before the migrations")
	}
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)

	// Release the three starters together.
	type ran struct {
		out  string
		code int
		err  error
		at   time.Time
	}
	run := func(timeout time.Duration, args ...string) ran {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(binDir, "starter"), args...)
		cmd.Env = s.env
		out, err := cmd.CombinedOutput()
		r := ran{out: string(out), at: time.Now(), err: err}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code, r.err = ee.ExitCode(), nil
		}
		if ctx.Err() != nil {
			r.err = fmt.Errorf("did not finish within %s", timeout)
		}
		return r
	}
	results := make([]ran, 3)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for j := range names {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			<-gate
			results[j] = run(time.Minute, "create-data-migration-workflow", cfgs[j], "--name", names[j],
				"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
		}(j)
	}
	close(gate)
	wg.Wait()
	for j, r := range results {
		if r.err != nil || r.code != 0 {
			t.Fatalf("create %s: exit %d, %v:\n%s", names[j], r.code, r.err, r.out)
		}
	}
	// How close together the three workflows started, from Temporal's own clock.
	tc := s.temporal.Client(t)
	var first, last time.Time
	for _, name := range names {
		d, err := tc.DescribeWorkflowExecution(context.Background(), name, "")
		if err != nil {
			t.Fatal(err)
		}
		st := d.GetWorkflowExecutionInfo().GetStartTime().AsTime()
		if first.IsZero() || st.Before(first) {
			first = st
		}
		if st.After(last) {
			last = st
		}
	}
	spread := last.Sub(first)
	t.Logf("three migrations started within %s of each other", spread.Round(time.Millisecond))

	for j := range names {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			results[j] = run(5*time.Minute, "watch", names[j])
		}(j)
	}
	wg.Wait()
	failed := 0
	for j, r := range results {
		if r.err != nil || r.code != 0 {
			failed++
			t.Errorf("watch %s: exit %d, %v:\n%s", names[j], r.code, r.err, r.out)
		}
	}
	if failed > 0 {
		return fmt.Sprintf("FAILED: %d of 3 migrations did not complete (started within %s)", failed, spread.Round(time.Millisecond))
	}
	for j, name := range names {
		tbl := fmt.Sprintf("t%d", j+1)
		sfTbl := "E2E.TOGETHER.T" + strconv.Itoa(j+1)
		if got := s.compareTable(tableSpec{pgFrom: tbl, pgOrder: "id", sfFrom: sfTbl, sfOrder: "ID",
			cols: []col{{"id", "ID", "int"}, {"v", "V", "text"}, {"n::text", "TO_VARCHAR(N)", "dec"}}}); got != rows {
			t.Errorf("%s: %d rows compared, want %d", sfTbl, got, rows)
		}
		if all, distinct := s.sfInt("SELECT COUNT(*) FROM "+sfTbl), s.sfInt("SELECT COUNT(DISTINCT ID) FROM "+sfTbl); all != distinct {
			t.Errorf("%s: %d rows but %d distinct ids", sfTbl, all, distinct)
		}
		s.checkTableMetadata(name, 1)
		var st string
		if err := s.sf().QueryRow(`SELECT STATUS FROM SNOWCONVERT_AI.DATA_MIGRATION.WORKFLOW WHERE ID = '` + name + `'`).Scan(&st); err != nil || st != "COMPLETED" {
			t.Errorf("WORKFLOW row of %s: status %q, %v", name, st, err)
		}
	}
	if t.Failed() {
		return "FAILED checks (see the log)"
	}
	return fmt.Sprintf("OK: 3 migrations started within %s, all COMPLETED, %d rows each equal", spread.Round(time.Millisecond), rows)
}

// checkPartitionMetadata: the mirror has one row per partition of the table, every one
// COMPLETED with its load recorded, and the rows loaded add up to the table's rows (a
// partition loaded twice, or recorded twice, shows here).
func (s *stack) checkPartitionMetadata(migration, tableKey string, rows int) {
	s.t.Helper()
	var parts, distinct, completed, loadedAt int64
	var sum sql.NullInt64
	err := s.sf().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT PARTITION_NUMBER), COUNT_IF(STATUS = 'COMPLETED'), COUNT(LOADED_AT), SUM(ROWS_LOADED)
		FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = '`+migration+`' AND TABLE_KEY = '`+tableKey+`'`).Scan(&parts, &distinct, &completed, &loadedAt, &sum)
	if err != nil {
		s.t.Fatalf("PARTITION_METADATA of %s: %v", tableKey, err)
	}
	if parts == 0 || parts != distinct || completed != parts || loadedAt != parts || sum.Int64 != int64(rows) {
		s.t.Errorf("PARTITION_METADATA of %s: %d rows for %d partitions, %d COMPLETED, %d with LOADED_AT, %d rows loaded (table has %d)",
			tableKey, parts, distinct, completed, loadedAt, sum.Int64, rows)
	}
}
