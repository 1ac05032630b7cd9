package config

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const secret = "s3cr3t-P4ss"

const workerPG = `selected_task_source = "snowflake"

[application]
max_parallel_tasks = 8
task_fetch_interval = 30

[connections.source.postgresql]
username = "migrator"
password = "` + secret + `"
database = "shop"
host = "db.internal"
port = 6432
sslmode = "require"

[connections.target.snowflake_connection_name]
connection_name = "prod"
`

func TestParseWorkerPostgres(t *testing.T) {
	w, err := ParseWorker([]byte(workerPG), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	platform, c := w.Source()
	if platform != PlatformPostgreSQL || c.Username != "migrator" || c.Password != secret || c.Port != 6432 || c.SSLMode != "require" {
		t.Fatalf("%s %#v", platform, c)
	}
	if w.Application.MaxParallelTasks != 8 || w.Application.TaskFetchInterval != 30 || w.TargetConnectionName() != "prod" {
		t.Fatalf("application %+v target %q", w.Application, w.TargetConnectionName())
	}
	if cache, err := os.UserCacheDir(); err != nil || w.Application.WorkDir != filepath.Join(cache, "snowmigrate", "work") {
		t.Errorf("work dir default %q (cache dir %q, %v)", w.Application.WorkDir, cache, err)
	}
	u, err := url.Parse(c.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := u.User.Password(); pw != secret || u.Host != "db.internal:6432" || u.Path != "/shop" || u.Query().Get("sslmode") != "require" {
		t.Fatalf("url %v", u.Redacted())
	}
	for _, s := range []string{w.String(), fmt.Sprintf("%v %+v %#v %s", w, w, w, c), fmt.Sprintf("%#v", *c)} {
		if strings.Contains(s, secret) {
			t.Fatalf("secret in %q", s)
		}
		if !strings.Contains(s, "password=(set)") {
			t.Fatalf("redacted form should say the password is set: %q", s)
		}
	}
}

func TestParseWorkerDefaults(t *testing.T) {
	w, err := ParseWorker([]byte(`[connections.source.postgresql]
username = "u"
database = "d"
host = "127.0.0.1"
[application]
work_dir = "/var/lib/snowmigrate"
`), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, c := w.Source()
	if w.Application.MaxParallelTasks != 4 || c.Port != 5432 || w.Application.WorkDir != "/var/lib/snowmigrate" || w.TargetConnectionName() != "" {
		t.Fatalf("%+v %+v", w.Application, c)
	}
}

func TestParseWorkerRedshift(t *testing.T) {
	w, err := ParseWorker([]byte(`[connections.source.redshift]
username = "u"
password = "p"
database = "dev"
host = "cluster.example"
`), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	if p, c := w.Source(); p != PlatformRedshift || c.Port != 5439 || c.AuthMethod != AuthStandard {
		t.Fatalf("%s %v", p, c)
	}
	w, err = ParseWorker([]byte(`[connections.source.redshift]
username = "u"
database = "dev"
auth_method = "iam-provisioned-cluster"
cluster_id = "c1"
region = "us-east-1"
access_key_id = "AKIA"
secret_access_key = "`+secret+`"
`), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, c := w.Source(); c.ClusterID != "c1" || strings.Contains(w.String(), secret) || !strings.Contains(w.String(), "secret_access_key=(set)") {
		t.Fatalf("%v", w)
	}
}

func TestParseWorkerErrors(t *testing.T) {
	pg := "[connections.source.postgresql]\nusername = \"u\"\npassword = \"" + secret + "\"\ndatabase = \"d\"\nhost = \"h\"\n"
	rs := "[connections.source.redshift]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\n"
	for name, tc := range map[string]struct{ toml, want string }{
		"unknown key":       {pg + "passwrd = \"x\"\n", "unknown key(s) connections.source.postgresql.passwrd"},
		"unknown platform":  {pg + "[connections.source.oracle]\nhost = \"h\"\n", "unknown key(s) connections.source.oracle.host"},
		"unknown section":   {pg + "[app]\nmax = 1\n", "unknown key(s) app.max"},
		"no source":         {"[application]\nmax_parallel_tasks = 2\n", "no source connection"},
		"two sources":       {pg + "[connections.source.redshift]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\n", "2 source connections (postgresql, redshift)"},
		"missing host":      {"[connections.source.postgresql]\nusername = \"u\"\ndatabase = \"d\"\n", "connections.source.postgresql.host is required"},
		"missing database":  {"[connections.source.postgresql]\nusername = \"u\"\nhost = \"h\"\n", "connections.source.postgresql.database is required"},
		"bad port type":     {pg + "port = \"5432\"\n", "line 6"},
		"bad port":          {pg + "port = 70000\n", "port = 70000"},
		"bad sslmode":       {pg + "sslmode = \"maybe\"\n", `sslmode = "maybe"`},
		"iam on postgres":   {pg + "auth_method = \"standard\"\n", "auth_method applies to redshift only"},
		"iam incomplete":    {"[connections.source.redshift]\nusername = \"u\"\ndatabase = \"d\"\nauth_method = \"iam-provisioned-cluster\"\n", "cluster_id is required"},
		"bad auth method":   {"[connections.source.redshift]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\nauth_method = \"kerberos\"\n", `auth_method = "kerberos"`},
		"too many tasks":    {pg + "[application]\nmax_parallel_tasks = 5000\n", "max_parallel_tasks = 5000"},
		"unload on pg":      {pg + "unload_iam_role = \"default\"\n", "unload_iam_role applies to redshift only"},
		"unload both":       {rs + "unload_iam_role = \"default\"\nunload_access_key_id = \"AK\"\nunload_secret_access_key = \"" + secret + "\"\n", "not both"},
		"unload key alone":  {rs + "unload_access_key_id = \"AK\"\n", "go together"},
		"unload bad role":   {rs + "unload_iam_role = \"myrole\"\n", "give a role ARN"},
		"unload bad secret": {rs + "unload_access_key_id = \"AK\"\nunload_secret_access_key = \"a'b" + secret + "\"\n", "unload_secret_access_key has characters"},
		"db_user standard":  {rs + "db_user = \"x\"\n", "db_user applies to auth_method"},
		"relative work dir": {pg + "[application]\nwork_dir = \"tmp\"\n", "absolute path"},
		"empty target":      {pg + "[connections.target.snowflake_connection_name]\nconnection_name = \"\"\n", "connection_name is empty"},
		"syntax":            {pg + "host = \n", "line 6"},
	} {
		_, err := ParseWorker([]byte(tc.toml), "w.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (want …%s…)", name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error echoes the password: %v", name, err)
		}
	}
}

// A malformed secret line must not be echoed by the TOML parser's message.
func TestParseWorkerNeverEchoesSecrets(t *testing.T) {
	for _, bad := range []string{
		"password = " + secret + "\n",           // unquoted
		"password = \"" + secret + "\n",         // unterminated
		"password = '''" + secret + "\n",        // unterminated multi-line
		"password = \"" + secret + "\" extra\n", // trailing garbage
		"password = [\"" + secret + "\"]\n",     // wrong type
		"secret_access_key = " + secret + "\n",
	} {
		toml := "[connections.source.postgresql]\nusername = \"u\"\n" + bad + "database = \"d\"\nhost = \"h\"\n"
		_, err := ParseWorker([]byte(toml), "w.toml")
		if err == nil {
			t.Errorf("%q: accepted", bad)
			continue
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), secret[:6]) {
			t.Errorf("%q: error echoes the secret: %v", bad, err)
		}
	}
}

func TestLoadWorkerFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worker.toml")
	if err := os.WriteFile(path, []byte(workerPG), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWorker(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWorker(path + ".missing"); err == nil || !strings.Contains(err.Error(), "worker.toml.missing") {
		t.Fatalf("missing file: %v", err)
	}
}

const workerSQLServer = `[connections.source.sqlserver]
username = "migrator"
password = "` + secret + `"
database = "shop"
host = "sql.internal"
instance = "SQLEXPRESS"
encrypt = "true"
trust_server_certificate = true
application_intent = "ReadOnly"
isolation = "snapshot"
`

func TestParseWorkerSQLServer(t *testing.T) {
	w, err := ParseWorker([]byte(workerSQLServer), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	platform, c := w.Source()
	if platform != PlatformSQLServer || c.Port != 1433 || c.Instance != "SQLEXPRESS" || c.Encrypt != "true" || !c.TrustServerCertificate ||
		c.ApplicationIntent != "ReadOnly" || c.Isolation != IsolationSnapshot || c.AuthMethod != AuthSQL {
		t.Fatalf("%s %#v", platform, c)
	}
	if s := w.String(); strings.Contains(s, secret) || !strings.Contains(s, "instance=SQLEXPRESS") {
		t.Errorf("String: %s", s)
	}
	// Defaults: sql login, read committed.
	w, err = ParseWorker([]byte("[connections.source.sqlserver]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\n"), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, c := w.Source(); c.AuthMethod != AuthSQL || c.Isolation != IsolationReadCommitted || c.Encrypt != "" {
		t.Fatalf("defaults: %#v", c)
	}
	for _, am := range []string{AuthAzureADServicePrincipal, AuthAzureADPassword + "\"\napplication_client_id = \"app"} {
		if _, err := ParseWorker([]byte("[connections.source.sqlserver]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\nauth_method = \""+am+"\"\n"), "w.toml"); err != nil {
			t.Errorf("auth_method %s: %v", am, err)
		}
	}
}

func TestParseWorkerSQLServerErrors(t *testing.T) {
	ss := "[connections.source.sqlserver]\nusername = \"u\"\npassword = \"" + secret + "\"\ndatabase = \"d\"\nhost = \"h\"\n"
	pg := "[connections.source.postgresql]\nusername = \"u\"\ndatabase = \"d\"\nhost = \"h\"\n"
	for name, tc := range map[string]struct{ toml, want string }{
		"bad encrypt":         {ss + "encrypt = \"yes\"\n", `encrypt = "yes": use disable, false, true or strict`},
		"strict and trust":    {ss + "encrypt = \"strict\"\ntrust_server_certificate = true\n", "cannot be used with encrypt"},
		"bad intent":          {ss + "application_intent = \"ReadMostly\"\n", `application_intent = "ReadMostly"`},
		"bad isolation":       {ss + "isolation = \"serializable\"\n", `isolation = "serializable": use "read_committed" (default) or "snapshot"`},
		"bad auth":            {ss + "auth_method = \"windows\"\n", `auth_method = "windows": use "sql" (default), "azure-ad-password" or "azure-ad-service-principal"`},
		"ad password no app":  {ss + "auth_method = \"azure-ad-password\"\n", "application_client_id is required"},
		"app id without ad":   {ss + "application_client_id = \"x\"\n", "application_client_id applies to auth_method"},
		"instance path":       {ss + "instance = \"a/b\"\n", "instance name only"},
		"sslmode on sql":      {ss + "sslmode = \"require\"\n", "sslmode applies to postgresql and redshift"},
		"cluster on sql":      {ss + "cluster_id = \"c\"\n", "cluster_id applies to redshift only"},
		"missing host":        {"[connections.source.sqlserver]\nusername = \"u\"\ndatabase = \"d\"\n", "connections.source.sqlserver.host is required"},
		"encrypt on postgres": {pg + "encrypt = \"true\"\n", "encrypt applies to sqlserver only"},
		"trust on postgres":   {pg + "trust_server_certificate = true\n", "trust_server_certificate applies to sqlserver only"},
		"isolation on pg":     {pg + "isolation = \"snapshot\"\n", "isolation applies to sqlserver only"},
		"instance on pg":      {pg + "instance = \"x\"\n", "instance applies to sqlserver only"},
	} {
		_, err := ParseWorker([]byte(tc.toml), "w.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (want …%s…)", name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error echoes the password: %v", name, err)
		}
	}
}
