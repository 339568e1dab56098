package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// commandPaths are every command a user can name ("crmkit --help",
// recursively), help and completion included.
func commandPaths() []string {
	var paths []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return // __complete: the shells' protocol, not a command for people
		}
		paths = append(paths, c.CommandPath())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(&IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}))
	sort.Strings(paths)
	return paths
}

// snakeKey is the one key style of every JSON document.
var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// dataMaps are the keys whose values are maps keyed by data, not by name:
// problem codes, column headers of inspect's examples, demoted keys.
var dataMaps = map[string]bool{"problems_by_code": true, "problems": true, "examples": true, "demoted_keys": true}

// checkKeys reports every key of v that is not snake_case, outside data maps.
func checkKeys(t *testing.T, where string, v any, data bool) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			if !data && !snakeKey.MatchString(k) {
				t.Errorf("%s: key %q is not snake_case", where, k)
			}
			checkKeys(t, where+"."+k, sub, !data && dataMaps[k])
		}
	case []any:
		for i, sub := range v {
			checkKeys(t, fmt.Sprintf("%s[%d]", where, i), sub, data)
		}
	}
}

// oneJSONDocument decodes out, which must hold exactly one JSON value.
func oneJSONDocument(t *testing.T, what, out string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", what, err, out)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%s: more than one JSON document on stdout:\n%s", what, out)
	}
	return v
}

// Every command prints one JSON document with snake_case keys under
// --format json, or refuses the flag as a usage error; a new command without
// a line here fails the test.
func TestFormatJSONEveryCommand(t *testing.T) {
	dir := t.TempDir()
	dsn, undoDSN, forgetDSN := filepath.Join(dir, "crmkit.db"), filepath.Join(dir, "undo.db"), filepath.Join(dir, "forget.db")
	// train estimates a model from 1,000 records at least.
	var bulk strings.Builder
	bulk.WriteString("ФИО,Телефон,Город\n")
	first, last := []string{"Иван", "Пётр", "Анна", "Мария", "Олег", "Елена", "Сергей", "Ольга"}, []string{"Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков", "Зайцев", "Лебедев", "Новиков"}
	for i := range 990 {
		fmt.Fprintf(&bulk, "%s %s %d,+7916%07d,Москва\n", last[i%10], first[i/10%8], i, 1000000+7*i)
	}
	bulkFile := filepath.Join(dir, "bulk.csv")
	truth := filepath.Join(dir, "truth.csv")
	for path, text := range map[string]string{bulkFile: bulk.String(), truth: "source,source_key,entity\n"} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		append(importArgs(dsn, "-q"), bulkFile),
		importArgs(undoDSN, "-q"),
		importArgs(forgetDSN, "-q"),
		{"export", "review", "--store", dsn, "-q", "-o", filepath.Join(dir, "review.csv")},
		{"export", "links", "--store", dsn, "-q", "-o", filepath.Join(dir, "links.csv")},
	} {
		if r := runCLI(t, "", args...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.errOut)
		}
	}
	a, b := sampleFiles[0]+":6", sampleFiles[1]+":3"
	// forget needs a record of its own store: the first link the samples make.
	linksFile, err := os.ReadFile(filepath.Join(dir, "links.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(linksFile), "\n")
	if len(lines) < 2 {
		t.Fatalf("links.csv: %q", linksFile)
	}
	link := strings.Split(strings.TrimSpace(lines[1]), ",")
	type jsonCase struct {
		args  []string
		stdin string
		keys  []string // keys of the document, or of each element of an array; nil: --format json is refused
	}
	inspectArgs := append([]string{"inspect", "--config", sampleConfig}, sampleFiles...)
	dedupeArgs := append([]string{"dedupe", "--config", sampleConfig, "-o", filepath.Join(dir, "out")}, sampleFiles...)
	summaryKeys := []string{"command", "files", "records", "problems", "errors", "problems_by_code", "cards", "cards_created",
		"cards_updated", "cards_merged", "cards_split", "duplicates_merged", "links_created", "review_pairs", "dry_run", "committed", "max_errors"}
	runKeys := []string{"id", "started_at", "finished_at", "command", "files", "records", "problems", "cards_created",
		"cards_updated", "cards_merged", "links_created", "duplicates_merged"}
	cases := map[string]jsonCase{
		"crmkit": {args: nil},
		"crmkit anonymize": {args: []string{"anonymize", sampleFiles[2], "--key", "k", "-o", filepath.Join(dir, "anon.csv")},
			keys: []string{"input", "output", "format", "rows"}},
		"crmkit abc":                   {args: []string{"abc", "--store", dsn}, keys: []string{"thresholds", "total_revenue", "customers", "classes", "rows"}},
		"crmkit completion":            {args: []string{"completion"}},
		"crmkit completion bash":       {args: []string{"completion", "bash"}},
		"crmkit completion fish":       {args: []string{"completion", "fish"}},
		"crmkit completion powershell": {args: []string{"completion", "powershell"}},
		"crmkit completion zsh":        {args: []string{"completion", "zsh"}},
		"crmkit config":                {args: []string{"config"}},
		"crmkit config init":           {args: []string{"config", "init", filepath.Join(dir, "crmkit.yaml")}},
		"crmkit dedupe":                {args: dedupeArgs, keys: append(summaryKeys, "output_dir")},
		"crmkit eval": {args: []string{"eval", "--truth", truth, filepath.Join(dir, "links.csv")},
			keys: []string{"records", "true_pairs", "found_pairs", "correct_pairs", "precision", "recall", "f1", "entities", "clusters", "exact_clusters"}},
		"crmkit explain": {args: []string{"explain", "--config", sampleConfig, "--store", dsn, a, b},
			keys: []string{"a", "b", "score", "reasons", "merge_threshold", "review_threshold", "pair_verdict", "verdict"}},
		"crmkit export":    {args: []string{"export", "cards", "--store", dsn, "-o", filepath.Join(dir, "cards.csv")}, keys: []string{"table", "output", "format", "rows"}},
		"crmkit help":      {args: []string{"help"}},
		"crmkit import":    {args: importArgs(filepath.Join(dir, "new.db")), keys: append(summaryKeys, "run_id", "store")},
		"crmkit inspect":   {args: inspectArgs, keys: []string{"tables"}},
		"crmkit normalize": {args: []string{"normalize", sampleFiles[2], "-o", filepath.Join(dir, "clean.csv")}, keys: []string{"input", "output", "format", "rows", "problems"}},
		"crmkit phones":    {args: []string{"phones"}, stdin: "8 (495) 123-45-67 доб. 12\n", keys: []string{"raw", "e164", "extension", "problem"}},
		"crmkit review":    {args: []string{"review"}},
		"crmkit review apply": {args: []string{"review", "apply", "--store", dsn, filepath.Join(dir, "review.csv")},
			keys: []string{"run_id", "decisions", "same", "different", "cards_merged", "cards_split"}},
		"crmkit runs":      {args: []string{"runs"}},
		"crmkit runs list": {args: []string{"runs", "list", "--store", dsn}, keys: runKeys},
		"crmkit runs show": {args: []string{"runs", "show", "1", "--store", dsn}, keys: runKeys},
		"crmkit runs undo": {args: []string{"runs", "undo", "--store", undoDSN}, keys: []string{"run_id", "undone", "records_restored", "records_removed", "cards_recomputed"}},
		"crmkit forget": {args: []string{"forget", link[1] + "/" + link[2], "--store", forgetDSN, "--reason", "test"},
			keys: []string{"run_id", "personal_id", "records", "cards", "problems", "review_pairs"}},
		"crmkit train":   {args: []string{"train", "--store", dsn}, keys: []string{"run_id", "records", "customers", "cards_merged", "cards_split"}},
		"crmkit version": {args: []string{"version"}, keys: []string{"version"}},
	}
	paths := commandPaths()
	for _, p := range paths {
		if _, ok := cases[p]; !ok {
			t.Errorf("%q has no --format json case: say what it prints, or refuse the flag", p)
		}
	}
	for p := range cases {
		if !strings.Contains(strings.Join(paths, "\n")+"\n", p+"\n") {
			t.Errorf("case %q names no command", p)
		}
	}
	for _, p := range paths {
		c, ok := cases[p]
		if !ok {
			continue
		}
		t.Run(strings.ReplaceAll(p, " ", "_"), func(t *testing.T) {
			r := runCLI(t, c.stdin, append(c.args, "--format", "json")...)
			if c.keys == nil {
				if r.code != exitUsage || r.out != "" || !strings.Contains(strings.ToLower(r.errOut), "json") {
					t.Errorf("want a usage error about --format json: exit %d\nstdout %.200q\nstderr %q", r.code, r.out, r.errOut)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			doc := oneJSONDocument(t, p, r.out)
			checkKeys(t, p, doc, false)
			objects := []any{doc}
			if list, ok := doc.([]any); ok {
				if len(list) == 0 {
					t.Fatalf("an empty array: the case shows no element's keys")
				}
				objects = list
			}
			for _, o := range objects {
				m, ok := o.(map[string]any)
				if !ok {
					t.Fatalf("not an object: %v", o)
				}
				for _, k := range c.keys {
					if _, ok := m[k]; !ok {
						t.Errorf("no key %q in %v", k, m)
					}
				}
			}
		})
	}
}

// A command that is not there, a shell crmkit has no completion for, and a
// table to stdout under --format json are usage errors: exit 2, nothing on
// stdout.
func TestUnknownSubcommandsAndJSONToStdout(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "crmkit.db")
	if r := runCLI(t, "", importArgs(dsn, "-q")...); r.code != 0 {
		t.Fatalf("import: %s", r.errOut)
	}
	for _, args := range [][]string{
		{"completion", "ksh"},
		{"runs", "lsit"},
		{"review", "undo"},
		{"config", "show"},
		{"export", "cards", "--store", dsn, "-o", "-", "--format", "json"},
		{"normalize", sampleFiles[2], "-o", "-", "--format", "json"},
		{"anonymize", sampleFiles[2], "-o", "-", "--format", "json"},
	} {
		r := runCLI(t, "", args...)
		if r.code != exitUsage || r.out != "" || r.errOut == "" {
			t.Errorf("%v: exit %d, stdout %.100q, stderr %q; want exit 2 with a message", args, r.code, r.out, r.errOut)
		}
	}
	if r := runCLI(t, "", "completion", "ksh"); !strings.Contains(r.errOut, `"ksh"`) || !strings.Contains(r.errOut, "bash") {
		t.Errorf("completion ksh: %q should name the shell and the ones there are", r.errOut)
	}
	// In text, a group without a command still shows its help.
	if r := runCLI(t, "", "runs"); r.code != 0 || !strings.Contains(r.out, "undo") {
		t.Errorf("runs: exit %d\n%s", r.code, r.out)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// goldenNormaliser replaces what changes from run to run with names: the
// temporary folder, the store, the checkout's absolute path, times and
// personal IDs (numbered by first appearance, so records that share an ID
// still share it in the golden file).
type goldenNormaliser struct {
	replace []string // old, new pairs for every string value
	ids     map[string]string
}

var (
	uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern = regexp.MustCompile(`^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
)

func (n *goldenNormaliser) value(key string, v any) any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys) // IDs numbered in a fixed order
		for _, k := range keys {
			v[k] = n.value(k, v[k])
		}
		return v
	case []any:
		for i := range v {
			v[i] = n.value(key, v[i])
		}
		return v
	case string:
		if (key == "started_at" || key == "finished_at") && timePattern.MatchString(v) {
			return "$TIME" // a zero or missing time stays, and fails
		}
		for i := 0; i < len(n.replace); i += 2 {
			v = strings.ReplaceAll(v, n.replace[i], n.replace[i+1])
		}
		return uuidPattern.ReplaceAllStringFunc(v, func(id string) string {
			if n.ids[id] == "" {
				n.ids[id] = fmt.Sprintf("$ID%d", len(n.ids)+1)
			}
			return n.ids[id]
		})
	}
	return v
}

// checkGolden compares a command's JSON, normalised, with
// testdata/golden/NAME.json; go test -run Golden -update rewrites it.
func checkGolden(t *testing.T, name, out string, n *goldenNormaliser) {
	t.Helper()
	doc := n.value("", oneJSONDocument(t, name, out))
	var b bytes.Buffer
	if err := writeJSON(&b, doc); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run Golden -update writes it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("%s differs from %s (review the change, then go test -run Golden -update):\n%s", name, path, lineDiff(string(want), got))
	}
}

// lineDiff shows the lines that differ, with their numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}

// The JSON of inspect, import, dedupe and runs list/show on the sample
// files, as golden files: any change of shape or value fails. Both stores
// must print the same documents.
func TestGoldenJSON(t *testing.T) {
	testdata, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, args ...string) string {
		t.Helper()
		r := runCLI(t, "", append(args, "--format", "json")...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.errOut)
		}
		return r.out
	}
	stores(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		n := func() *goldenNormaliser {
			return &goldenNormaliser{replace: []string{dsn, "$STORE", dir, "$TMP", testdata, "$TESTDATA"}, ids: map[string]string{}}
		}
		checkGolden(t, "import", run(t, importArgs(dsn)...), n())
		checkGolden(t, "import_again", run(t, importArgs(dsn)...), n())
		checkGolden(t, "runs_list", run(t, "runs", "list", "--store", dsn), n())
		checkGolden(t, "runs_show", run(t, "runs", "show", "1", "--store", dsn), n())
		if strings.Contains(dsn, "://") {
			return // inspect and dedupe use no store: once is enough
		}
		checkGolden(t, "inspect", run(t, append([]string{"inspect", "--config", sampleConfig}, sampleFiles...)...), n())
		checkGolden(t, "dedupe", run(t, append([]string{"dedupe", "--config", sampleConfig, "-o", filepath.Join(dir, "out")}, sampleFiles...)...), n())
	})
}
