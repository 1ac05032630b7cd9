package engine

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseStageRef(t *testing.T) {
	cases := []struct {
		in   string
		want stageRef
	}{
		{"st", stageRef{Kind: 'n', RawName: "st"}},
		{"st/a/b/", stageRef{Kind: 'n', RawName: "st", Path: "a/b/"}},
		{`db.s."My/Stage"/x`, stageRef{Kind: 'n', RawName: `db.s."My/Stage"`, Path: "x"}},
		{"~/load/", stageRef{Kind: 'u', Path: "load/"}},
		{"%orders/f.csv", stageRef{Kind: 't', RawName: "orders", Path: "f.csv"}},
	}
	for _, c := range cases {
		got, err := parseStageRef(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseStageRef(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	if _, err := parseStageRef("/x"); err == nil {
		t.Error("empty stage name accepted")
	}
}

func TestScanStageStatement(t *testing.T) {
	p, err := newStageParser(`PUT 'file:///tmp/a b*.csv' @"S t"/p/ OVERWRITE = TRUE PARALLEL=4 -- c`)
	if err != nil {
		t.Fatal(err)
	}
	p.next()
	if u := p.next(); u.Kind != stString || u.Value != "file:///tmp/a b*.csv" {
		t.Fatalf("quoted url token %+v", u)
	}
	ref, err := p.stageRefToken()
	if err != nil || ref.RawName != `"S t"` || ref.Path != "p/" {
		t.Fatalf("stage ref %+v %v", ref, err)
	}
	opts, err := p.parseOptions()
	if err != nil || opts["OVERWRITE"].Str != "TRUE" || opts["PARALLEL"].Str != "4" || !p.atEnd() {
		t.Fatalf("options %+v %v", opts, err)
	}
}

func TestParseCopyStatement(t *testing.T) {
	p, err := newStageParser(`COPY INTO db.s.t (a, "B") FROM (SELECT $1:x::NUMBER(10,2), PARSE_JSON($1:"J"), f.$1:y FROM @st/p/ (PATTERN => '.*[.]parquet') f)
		FILE_FORMAT = (TYPE = PARQUET NULL_IF = ('\\N', '')) ON_ERROR = 'CONTINUE' FILES = ('a', 'b')`)
	if err != nil {
		t.Fatal(err)
	}
	p.next()
	st, err := parseCopy(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Table != "db.s.t" || !reflect.DeepEqual(st.Columns, []string{"A", "B"}) || st.Ref.RawName != "st" || st.Ref.Path != "p/" {
		t.Fatalf("copy header %+v", st)
	}
	if st.Transform == nil || len(st.Transform.Exprs) != 3 || st.Transform.Alias != "f" ||
		st.Transform.Exprs[0] != "$1:x::NUMBER(10,2)" || st.Transform.Exprs[2] != "f.$1:y" {
		t.Fatalf("transform %+v", st.Transform)
	}
	ff := st.Opts["FILE_FORMAT"].Nested
	if ff["TYPE"].Str != "PARQUET" || !reflect.DeepEqual(ff["NULL_IF"].List, []string{`\N`, ""}) {
		t.Fatalf("file format %+v", ff)
	}
	if st.Opts["PATTERN"].Str != ".*[.]parquet" || st.Opts["ON_ERROR"].Str != "CONTINUE" || len(st.Opts["FILES"].List) != 2 {
		t.Fatalf("options %+v", st.Opts)
	}

	var refs []fileRef
	out, err := rewriteFileRefs(`$1:x::NUMBER(10,2) + f.$1:"Y".z + $2`, "f", &refs)
	if err != nil {
		t.Fatal(err)
	}
	if out != `"__SFCOPY_1"::NUMBER(10,2) + "__SFCOPY_2" + "__SFCOPY_3"` {
		t.Fatalf("rewritten %q", out)
	}
	want := []fileRef{{Col: 1, Path: []string{"x"}}, {Col: 1, Path: []string{"Y", "z"}}, {Col: 2}}
	if !reflect.DeepEqual(refs, want) {
		t.Fatalf("refs %+v", refs)
	}
}

func TestSafeCast(t *testing.T) {
	safe := [][2]string{{"BIGINT", "DECIMAL(38,0)"}, {"INTEGER", "BIGINT"}, {"DECIMAL(15,2)", "DECIMAL(38,2)"},
		{"DATE", "TIMESTAMP"}, {"TIMESTAMP WITH TIME ZONE", "TIMESTAMP"}, {"BIGINT", "VARCHAR"}, {"DECIMAL(15,2)", "BIGINT"}}
	risky := [][2]string{{"VARCHAR", "DECIMAL(38,0)"}, {"BIGINT", "INTEGER"}, {"DECIMAL(38,2)", "DECIMAL(10,2)"},
		{"HUGEINT", "DECIMAL(38,0)"}, {"VARCHAR", "DATE"}, {"DOUBLE", "DECIMAL(38,0)"}}
	for _, c := range safe {
		if !safeCast(c[0], c[1]) {
			t.Errorf("%s -> %s should be safe", c[0], c[1])
		}
	}
	for _, c := range risky {
		if safeCast(c[0], c[1]) {
			t.Errorf("%s -> %s should need validation", c[0], c[1])
		}
	}
}

func TestLikeMatch(t *testing.T) {
	if !likeMatch("st%", "stage1") || likeMatch("st_", "stage") || !likeMatch("%a/b%", "xa/by") {
		t.Error("likeMatch")
	}
	if !strings.HasPrefix(formatOptionsText(stageOpts{"TYPE": {Str: "CSV"}}), `{"TYPE":"CSV"`) {
		t.Error("formatOptionsText")
	}
}
