package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit/export/storetest"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// A bad flag or config value is a usage error (exit 2) found before any
// work: no store is created, nothing is read.
func TestBadValuesAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	writeConfig := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zz := writeConfig("zz.yaml", "region: ZZ\n")
	area := writeConfig("area.yaml", "sources:\n  - name: crm\n    files: [\"*.csv\"]\n    area_code: abc\n")
	latin := writeConfig("latin.yaml", "sources:\n  - name: crm\n    files: [\"*.csv\"]\n    encoding: latin1\n")
	colon := writeConfig("colon.yaml", "sources:\n  - name: crm\n    files: [\"*.csv\"]\n    delimiter: \":\"\n")
	missing := filepath.Join(dir, "missing.yaml")
	for _, tc := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{"--delimiter", ":"}, "--delimiter"},
		{[]string{"--encoding", "latin1"}, "--encoding"},
		{[]string{"--config", missing}, "missing.yaml"},
		{[]string{"--map", missing}, "missing.yaml"},
		{[]string{"--map", dir}, "directory"},
		{[]string{"--region", "ZZ"}, "--region"},
		{[]string{"--area-code", "abc"}, "--area-code"},
		{[]string{"--area-code", "4951234"}, "--area-code"},
		{[]string{"--config", zz}, "region"},
		{[]string{"--config", area}, "area_code"},
		{[]string{"--config", latin}, "encoding"},
		{[]string{"--config", colon}, "delimiter"},
	} {
		store := filepath.Join(t.TempDir(), "crmkit.db")
		args := append(append([]string{"import", "--store", store}, tc.args...), sampleFiles...)
		r := runCLI(t, "", args...)
		if r.code != exitUsage || !strings.Contains(r.errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming %q", tc.args, r.code, r.errOut, exitUsage, tc.want)
		}
		if _, err := os.Stat(store); err == nil {
			t.Errorf("%v: the store was created", tc.args)
		}
	}
	// phones takes the same values.
	for _, args := range [][]string{{"phones", "--region", "ZZ"}, {"phones", "--area-code", "abc"}, {"phones", "--encoding", "latin1"}} {
		if r := runCLI(t, "8 916 123-45-67\n", args...); r.code != exitUsage || r.out != "" {
			t.Errorf("%v: exit %d, out %q", args, r.code, r.out)
		}
	}
	// Good values in any case pass.
	r := runCLI(t, "8 916 123-45-67\n", "phones", "--region", "kz", "--area-code", "(727)", "--encoding", "UTF-8", "--delimiter", "TAB")
	if r.code != 0 {
		t.Errorf("good values: exit %d: %s", r.code, r.errOut)
	}
}

// absSampleFiles are the sample files for a test that changes directory.
func absSampleFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, f := range sampleFiles {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, abs)
	}
	return out
}

// keywordDSN turns a postgres:// test URL into libpq's keyword form.
func keywordDSN(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	kv := []string{"host=" + u.Hostname(), "dbname=" + strings.TrimPrefix(u.Path, "/")}
	if p := u.Port(); p != "" {
		kv = append(kv, "port="+p)
	}
	if n := u.User.Username(); n != "" {
		kv = append(kv, "user="+n)
	}
	for k, v := range u.Query() {
		kv = append(kv, k+"="+v[0])
	}
	return strings.Join(kv, " ")
}

// libpq's keyword form is PostgreSQL, never a file name; its password is
// never printed.
func TestStoreKeywordDSN(t *testing.T) {
	files := absSampleFiles(t)
	config, _ := filepath.Abs(sampleConfig)
	t.Run("unreachable", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		r := runCLI(t, "", append([]string{"import", "--config", config, "--lock-wait", "1s", "--store",
			"host=127.0.0.1 port=1 user=postgres password=secret dbname=x connect_timeout=2"}, files...)...)
		if r.code != exitFailure || strings.Contains(r.errOut+r.out, "secret") || !strings.Contains(r.errOut, "password=xxxxx") {
			t.Errorf("exit %d, stderr %q", r.code, r.errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("files created: %v", entries)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := keywordDSN(t, storetest.PostgresURL(t))
		r := runCLI(t, "", append([]string{"import", "-q", "--config", config, "--store", dsn}, files...)...)
		if r.code != 0 {
			t.Fatalf("import into %q: exit %d: %s", dsn, r.code, r.errOut)
		}
		if cards := exportTable(t, dsn, "cards"); len(cards) != 10 {
			t.Errorf("%d cards, want 9", len(cards)-1)
		}
	})
}

// Only import creates a store: every other command on a store that does
// not exist says so (exit 1) and leaves nothing behind.
func TestNoStoreIsNeverCreated(t *testing.T) {
	stores(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		t.Chdir(dir)
		review := filepath.Join(dir, "review.csv")
		os.WriteFile(review, []byte("pair,decision,a_source,a_key,b_source,b_key\n1,same,a,1,b,2\n"), 0o644)
		for _, args := range [][]string{
			{"export", "cards", "-o", "cards.csv"},
			{"export", "problems", "-o", "-"},
			{"runs", "list"},
			{"runs", "show", "1"},
			{"runs", "undo"},
			{"train"},
			{"review", "apply", review},
			{"explain", "1c-trade/00-000018", "crm/h:1"},
		} {
			for _, store := range [][]string{{"--store", dsn}, nil} {
				if store == nil && !strings.HasSuffix(dsn, ".db") {
					continue // the default store is a file here
				}
				r := runCLI(t, "", append(args, store...)...)
				if r.code != exitFailure || !strings.Contains(r.errOut, "does not exist") || !strings.Contains(r.errOut, "crmkit import --store") {
					t.Errorf("%v %v: exit %d, stderr %q", args, store, r.code, r.errOut)
				}
			}
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("files left behind: %v", entries)
		}
		if _, err := os.Stat(dsn); strings.HasSuffix(dsn, ".db") && err == nil {
			t.Errorf("%s was created", dsn)
		}
		// Nothing was created in the PostgreSQL schema either: an import
		// still finds it empty and creates every card.
		r := runCLI(t, "", append([]string{"import", "--format", "json", "--config", filepath.Join(dir, "none.yaml"), "--store", dsn}, absSampleFiles(t)...)...)
		if r.code != exitUsage { // the config named does not exist
			t.Errorf("import with a missing config: exit %d", r.code)
		}
		if r := runCLI(t, "", "runs", "list", "--store", dsn); r.code != exitFailure {
			t.Errorf("runs list after a failed import: exit %d", r.code)
		}
	})
}

// The hint after an import names the store it wrote, its password hidden,
// so that following it exports from that store.
func TestReviewHintNamesStore(t *testing.T) {
	a, b := alfaPair(t)
	stores(t, func(t *testing.T, dsn string) {
		shown := dsn
		if strings.HasPrefix(dsn, "postgres://") {
			// The test server trusts local connections, so a password
			// is accepted and ignored; it must not be printed.
			shown = strings.Replace(dsn, "postgres://postgres@", "postgres://postgres:xxxxx@", 1)
			dsn = strings.Replace(dsn, "postgres://postgres@", "postgres://postgres:s3cret@", 1)
		}
		r := runCLI(t, "", "import", "--store", dsn, a, b)
		if r.code != 0 {
			t.Fatalf("import: exit %d: %s", r.code, r.errOut)
		}
		want := "crmkit export review --store " + shellQuote(shown) + " -o review.xlsx"
		if !strings.Contains(r.out, want) || strings.Contains(r.out, "s3cret") {
			t.Errorf("hint: want %q in\n%s", want, r.out)
		}
	})
}

// alfaPair writes two files whose one record each is a pair to review: the
// same company name, nothing else shared.
func alfaPair(t *testing.T) (a, b string) {
	t.Helper()
	dir := t.TempDir()
	a, b = filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	if err := os.WriteFile(a, []byte("Код;Наименование;ИНН;Телефон\n1;ООО «Альфа-Трейд»;7707083893;8 495 111 11 11\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("Код;Наименование;Телефон\n7;Альфа-Трейд ООО;8 495 222 22 22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// Readers read the last committed run while another run holds the store's
// lock: they never take it.
func TestReadersWhileARunWrites(t *testing.T) {
	stores(t, func(t *testing.T, dsn string) {
		if r := runCLI(t, "", importArgs(dsn, "-q")...); r.code != 0 {
			t.Fatalf("import: %s", r.errOut)
		}
		ctx := context.Background()
		s, err := openStore(ctx, dsn, time.Second, createStore)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		tx, err := s.Begin(ctx) // a run in progress: it holds the lock
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if r := runCLI(t, "", importArgs(dsn, "-q", "--lock-wait", "200ms")...); r.code != exitFailure || !strings.Contains(r.errOut, "another crmkit run") {
			t.Fatalf("a second writer: exit %d, %s (the lock is not held?)", r.code, r.errOut)
		}
		if cards := exportTable(t, dsn, "cards"); len(cards) != 10 {
			t.Errorf("export while a run writes: %d cards", len(cards)-1)
		}
		for _, args := range [][]string{
			{"runs", "list", "--lock-wait", "200ms"},
			{"runs", "show", "1", "--lock-wait", "200ms"},
			{"export", "problems", "-o", "-", "--lock-wait", "200ms"},
			{"explain", "--config", sampleConfig, "--lock-wait", "200ms", "1c-trade/00-000018", sampleFiles[1] + ":3"},
		} {
			if r := runCLI(t, "", append(args, "--store", dsn)...); r.code != 0 {
				t.Errorf("%v while a run writes: exit %d: %s", args, r.code, r.errOut)
			}
		}
	})
}

// A store file the user may only read can be read. Root may write any
// file, so under root the check runs as nobody (setpriv) on a store that
// root made read-only.
func TestReadOnlyStoreFile(t *testing.T) {
	if dir := os.Getenv("CRMKIT_TEST_READONLY_STORE"); dir != "" {
		readOnlyStoreChecks(t, filepath.Join(dir, "crmkit.db"))
		return
	}
	base := t.TempDir()
	os.Chmod(filepath.Dir(base), 0o755) // the test's temporary folders, for nobody
	os.Chmod(base, 0o755)
	dir := filepath.Join(base, "ro")
	os.Mkdir(dir, 0o755)
	dsn := filepath.Join(dir, "crmkit.db")
	if r := runCLI(t, "", importArgs(dsn, "-q")...); r.code != 0 {
		t.Fatalf("import: %s", r.errOut)
	}
	os.Chmod(dsn, 0o444)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if os.Geteuid() != 0 {
		readOnlyStoreChecks(t, dsn)
		return
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("SKIP: running as root without setpriv: a read-only store cannot be checked")
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", os.Args[0], "-test.run=^TestReadOnlyStoreFile$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CRMKIT_TEST_READONLY_STORE="+dir, "TMPDIR="+base)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Errorf("as nobody: %v\n%s", err, out)
	}
}

func readOnlyStoreChecks(t *testing.T, dsn string) {
	if f, err := os.OpenFile(dsn, os.O_WRONLY, 0); err == nil {
		f.Close()
		t.Fatalf("%s is writable: not a read-only store", dsn)
	}
	if cards := exportTable(t, dsn, "cards"); len(cards) != 10 {
		t.Errorf("%d cards from a read-only store", len(cards)-1)
	}
	if r := runCLI(t, "", "runs", "list", "--store", dsn); r.code != 0 || !strings.Contains(r.out, "run 1") {
		t.Errorf("runs list on a read-only store: exit %d: %s", r.code, r.errOut)
	}
}

// excelResave writes a CSV crmkit wrote as Russian Excel saves it: ";"
// between cells, Windows-1251, CRLF; edit changes the rows first.
func excelResave(t *testing.T, csvText, path string, edit func(rows [][]string)) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	edit(rows)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	w.WriteAll(rows)
	enc, err := encoding.ReplaceUnsupported(charmap.Windows1251.NewEncoder()).Bytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, enc, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The review loop on a store as a consultant runs it: import where the
// files are, fill the review file in Excel (saved back as ;-separated
// Windows-1251), apply it, then look from another folder.
func TestReviewApplyExplainProblems(t *testing.T) {
	stores(t, func(t *testing.T, dsn string) {
		work := t.TempDir()
		a, b := alfaPair(t)
		for _, f := range []string{a, b} {
			data, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(work, filepath.Base(f)), data, 0o644)
		}
		config, _ := filepath.Abs(sampleConfig)
		samples := absSampleFiles(t)
		store := dsn
		if strings.HasSuffix(dsn, ".db") {
			store = "crmkit.db" // beside the files, where the import runs
		}
		t.Chdir(work)
		r := runCLI(t, "", append(append([]string{"import", "--format", "json", "--config", config, "--store", store}, samples...), "a.csv", "b.csv")...)
		if r.code != 0 {
			t.Fatalf("import: exit %d: %s", r.code, r.errOut)
		}
		imported := jsonSummary(t, r)
		if imported.Review == 0 || imported.Problems == 0 {
			t.Fatalf("import: %d pairs to review, %d problems; want some of each", imported.Review, imported.Problems)
		}
		r = runCLI(t, "", "export", "review", "--store", store, "-o", "-")
		if r.code != 0 {
			t.Fatalf("export review: %s", r.errOut)
		}
		filled := filepath.Join(work, "review-excel.csv")
		excelResave(t, r.out, filled, func(rows [][]string) {
			for _, row := range rows[1:] {
				if row[4]+row[13] == "ab" || row[4]+row[13] == "ba" {
					row[3] = "да" // the Альфа-Трейд pair
				}
			}
		})
		r = runCLI(t, "", "review", "apply", "--format", "json", "--store", store, filled)
		var applied struct {
			RunID     int64 `json:"run_id"`
			Decisions int   `json:"decisions"`
			Same      int   `json:"same"`
		}
		if r.code != 0 || json.Unmarshal([]byte(r.out), &applied) != nil || applied.Decisions != 1 || applied.Same != 1 || applied.RunID != 2 {
			t.Fatalf("review apply of an Excel-saved CSV: exit %d, %+v\n%s%s", r.code, applied, r.out, r.errOut)
		}

		// problems: the import's, not the review run's (it read no files).
		r = runCLI(t, "", "export", "problems", "--store", store, "-o", "-")
		if lines := strings.Count(r.out, "\n"); r.code != 0 || lines != imported.Problems+1 {
			t.Errorf("export problems after review apply: exit %d, %d lines, want %d problems\n%s", r.code, lines, imported.Problems, r.errOut)
		}
		if r := runCLI(t, "", "export", "problems", "--store", store, "--run", "2", "-o", "-"); r.code != 0 || strings.Count(r.out, "\n") != 1 {
			t.Errorf("--run 2: exit %d\n%s", r.code, r.out)
		}
		if r := runCLI(t, "", "export", "problems", "--store", store, "--run", "99", "-o", "-"); r.code != exitFailure || !strings.Contains(r.errOut, "no run 99") {
			t.Errorf("--run 99: exit %d, %q", r.code, r.errOut)
		}
		if r := runCLI(t, "", "export", "review", "--store", store, "--run", "99", "-o", "-"); r.code != exitFailure {
			t.Errorf("review --run 99: exit %d", r.code)
		}

		// explain, from another folder, by source keys: the links say
		// a.csv and b.csv, relative to where the import ran.
		if strings.HasSuffix(dsn, ".db") {
			store = filepath.Join(work, "crmkit.db")
		}
		t.Chdir(t.TempDir())
		r = runCLI(t, "", "explain", "--store", store, "a/1", "b/7")
		if r.code != 0 || !strings.Contains(r.out, "verdict: one customer in the store") || !strings.Contains(r.out, "on its own the pair is for review") {
			t.Errorf("explain from elsewhere: exit %d\n%s%s", r.code, r.out, r.errOut)
		}
		if r := runCLI(t, "", "explain", "--store", store, "a/1", "b/7"); strings.HasSuffix(dsn, ".db") && strings.Contains(r.errOut, "changed") {
			t.Errorf("the right file was not found: %s", r.errOut)
		}
		r = runCLI(t, "", "explain", "--format", "json", "--store", store, filepath.Join(work, "a.csv")+":2", filepath.Join(work, "b.csv")+":2")
		var res explainResult
		if err := json.Unmarshal([]byte(r.out), &res); err != nil || r.code != 0 {
			t.Fatalf("explain --format json: exit %d, %v\n%s%s", r.code, err, r.out, r.errOut)
		}
		if res.Verdict != verdictOne || res.PairVerdict != verdictReview || res.A.PersonalID == "" || res.A.PersonalID != res.B.PersonalID ||
			res.A.Key != "1" || len(res.Reasons) == 0 {
			t.Errorf("explain JSON %+v", res)
		}
		for _, key := range []string{`"pair_verdict"`, `"personal_id"`, `"merge_threshold"`, `"source"`} {
			if !strings.Contains(r.out, key) {
				t.Errorf("explain JSON has no %s:\n%s", key, r.out)
			}
		}
	})
}

// phones reads its input in the encoding named or detected, gives every
// input line a row, and speaks JSON when asked.
func TestPhonesEncodingEmptyLineJSON(t *testing.T) {
	cp1251, err := charmap.Windows1251.NewEncoder().String("8 (495) 123-45-67 доб. 12\n\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "raw,e164,extension,problem\n8 (495) 123-45-67 доб. 12,+74951234567,12,\n,,,phone.no_number\n"
	for _, args := range [][]string{{"phones", "--encoding", "windows-1251"}, {"phones"}} {
		if r := runCLI(t, cp1251, args...); r.code != 0 || r.out != want {
			t.Errorf("%v on Windows-1251: exit %d\n%s\nwant\n%s", args, r.code, r.out, want)
		}
	}
	r := runCLI(t, "8 (495) 123-45-67 доб. 12\n\nне подключен\n", "phones", "--format", "json")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(r.out), &rows); err != nil || r.code != 0 {
		t.Fatalf("phones --format json: exit %d, %v\n%s", r.code, err, r.out)
	}
	if len(rows) != 3 || rows[0]["e164"] != "+74951234567" || rows[0]["extension"] != "12" || rows[1]["raw"] != "" ||
		rows[1]["problem"] != "phone.no_number" || rows[2]["problem"] != "phone.no_number" {
		t.Errorf("phones JSON %v", rows)
	}
	if r := runCLI(t, "", "phones", "--format", "json"); r.code != 0 || strings.TrimSpace(r.out) != "[\n]" {
		t.Errorf("no input: %q", r.out)
	}
}

// Every JSON key is snake_case: the run log as import's summary.
func TestRunsJSONKeys(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "crmkit.db")
	if r := runCLI(t, "", importArgs(dsn, "-q")...); r.code != 0 {
		t.Fatalf("import: %s", r.errOut)
	}
	r := runCLI(t, "", "runs", "list", "--store", dsn, "--format", "json")
	var runs []map[string]any
	if err := json.Unmarshal([]byte(r.out), &runs); err != nil || len(runs) != 1 {
		t.Fatalf("runs list JSON: %v\n%s", err, r.out)
	}
	for _, k := range []string{"id", "started_at", "finished_at", "command", "files", "records", "problems",
		"cards_created", "cards_updated", "cards_merged", "links_created", "duplicates_merged"} {
		if _, ok := runs[0][k]; !ok {
			t.Errorf("runs list JSON has no %q: %v", k, runs[0])
		}
	}
	snake := regexp.MustCompile(`"([A-Za-z0-9_]+)":`)
	for _, m := range snake.FindAllStringSubmatch(r.out, -1) {
		if m[1] != strings.ToLower(m[1]) {
			t.Errorf("key %q is not snake_case", m[1])
		}
	}
}
