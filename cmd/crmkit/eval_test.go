package main

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export/storetest"
	"github.com/crmkit/crmkit/normalize"
)

// The labelled benchmark: invented customers with realistic duplicates and
// hard negatives (namesakes, a switchboard shared by a whole company,
// near-identical company names with different INNs), deduplicated by the
// real command and measured by eval.
// generateLabelled writes the labelled generator's crm.csv, site.csv and
// truth.csv for n customers into a new folder.
func generateLabelled(t *testing.T, n, seed int) string {
	t.Helper()
	dir := t.TempDir()
	gen := exec.Command("go", "run", "./testdata/gen", "-labelled", strconv.Itoa(n), "-seed", strconv.Itoa(seed), "-o", dir)
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	return dir
}

func TestDedupeLabelledBenchmark(t *testing.T) {
	dir := generateLabelled(t, 3000, 3)
	out := filepath.Join(dir, "out")
	crm, site := filepath.Join(dir, "crm.csv"), filepath.Join(dir, "site.csv")
	if r := runCLI(t, "", "dedupe", "-q", crm, site, "-o", out); r.code != 0 {
		t.Fatalf("dedupe: %s", r.errOut)
	}
	ev, links := evaluate(t, filepath.Join(dir, "truth.csv"), filepath.Join(out, "links.csv"))
	t.Logf("precision %.4f recall %.4f F1 %.4f (%d records, %d true pairs)", ev.Precision, ev.Recall, ev.F1, ev.Records, ev.TruePairs)
	if ev.Precision < 0.99 || ev.F1 < 0.95 || ev.Records < 6000 {
		t.Errorf("precision %.4f (want ≥ 0.99), F1 %.4f (want ≥ 0.95) on %d records", ev.Precision, ev.F1, ev.Records)
	}
	// No customer may hold two different valid INNs.
	inns := map[string]map[string]bool{}
	for _, file := range []string{crm, site} {
		f, _ := os.Open(file)
		rows, _ := csv.NewReader(f).ReadAll()
		f.Close()
		source := map[string]string{crm: "crm", site: "site"}[file]
		for _, row := range rows[1:] {
			inn, _ := normalize.INN(row[2])
			if inn == "" {
				continue
			}
			pid := links[crmkit.SourceKey{Source: source, Key: row[0]}]
			if inns[pid] == nil {
				inns[pid] = map[string]bool{}
			}
			inns[pid][inn] = true
		}
	}
	for pid, set := range inns {
		if len(set) > 1 {
			t.Errorf("customer %s holds %d valid INNs", pid, len(set))
		}
	}
	// eval itself, as a command.
	r := runCLI(t, "", "eval", "--truth", filepath.Join(dir, "truth.csv"), filepath.Join(out, "links.csv"))
	if r.code != 0 || !strings.Contains(r.out, "precision") {
		t.Errorf("eval: %d %s %s", r.code, r.out, r.errOut)
	}
}

// evaluate scores the links a run wrote against a truth file (source,
// source_key, entity), and returns the links too.
func evaluate(t *testing.T, truthPath, linksPath string) (dedupe.Evaluation, map[crmkit.SourceKey]string) {
	t.Helper()
	truth, err := readPairsFile(truthPath, "source", "source_key", "entity")
	if err != nil {
		t.Fatal(err)
	}
	links, err := readPairsFile(linksPath, "source", "source_key", "personal_id")
	if err != nil {
		t.Fatal(err)
	}
	return dedupe.Evaluate(truth, links), links
}

// The labelled benchmark imported as two files, the CRM's first and the
// site's the next night, ends with the customers of one run over both, on
// both engines: the second run brings a source the model was not estimated
// from (the site's typos), estimates it anew from every record and
// recomputes everyone.
func TestTwoFilesEqualOneRun(t *testing.T) {
	dir := generateLabelled(t, 1500, 9)
	crm, site := filepath.Join(dir, "crm.csv"), filepath.Join(dir, "site.csv")
	config := filepath.Join(dir, "crmkit.yaml")
	if err := os.WriteFile(config, []byte("sources:\n  - name: crm\n    files: [\"crm*\"]\n  - name: site\n    files: [\"site*\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, engine := range []struct {
		name  string
		store func(t *testing.T, name string) string
	}{
		{"sqlite", func(t *testing.T, name string) string { return filepath.Join(t.TempDir(), name+".db") }},
		{"postgres", func(t *testing.T, _ string) string { return storetest.PostgresURL(t) }},
	} {
		t.Run(engine.name, func(t *testing.T) {
			one, two := engine.store(t, "one"), engine.store(t, "two")
			if r := runCLI(t, "", "import", "-q", "--config", config, "--store", one, crm, site); r.code != 0 {
				t.Fatalf("import: %s", r.errOut)
			}
			if r := runCLI(t, "", "import", "-q", "--config", config, "--store", two, crm); r.code != 0 {
				t.Fatalf("import crm: %s", r.errOut)
			}
			r := runCLI(t, "", "import", "--format", "json", "--config", config, "--store", two, site)
			if r.code != 0 || !strings.Contains(r.out, `"model_estimated_anew_for": [`) || !strings.Contains(r.out, `"site"`) {
				t.Fatalf("import site: exit %d, the model not estimated anew for the new source:\n%s%s", r.code, r.out, r.errOut)
			}
			a, b := storeCustomers(t, one), storeCustomers(t, two)
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("one run: %d customers, two files: %d; they differ", len(a), len(b))
			}
			// A third run of a source the model knows estimates nothing anew.
			if r := runCLI(t, "", "import", "--format", "json", "--config", config, "--store", two, site); r.code != 0 || strings.Contains(r.out, "model_estimated_anew_for") {
				t.Errorf("the same site file again: exit %d\n%s", r.code, r.out)
			}
		})
	}
}

// storeCustomers are a store's customers, each as its sorted source keys.
func storeCustomers(t *testing.T, store string) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "links.csv")
	if r := runCLI(t, "", "export", "links", "--store", store, "-o", out); r.code != 0 {
		t.Fatalf("export links: %s", r.errOut)
	}
	by := map[string][]string{}
	for _, row := range readCSV(t, out)[1:] {
		by[row[0]] = append(by[row[0]], row[1]+"/"+row[2])
	}
	var cs []string
	for _, keys := range by {
		sort.Strings(keys)
		cs = append(cs, strings.Join(keys, " "))
	}
	sort.Strings(cs)
	return cs
}
