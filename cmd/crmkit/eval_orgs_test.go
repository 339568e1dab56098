package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/crmkit/crmkit/dedupe"
)

// Organisations with no INN, most with no phone: name, address and city
// variants of one business, and the same name in another city, a chain's
// branches, neighbours in one building (testdata/gen -orgs). Enough rows
// for a learned model, in US English with --region US and in Russian.
func TestDedupeLabelledOrganisations(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			gen := exec.Command("go", "run", "./testdata/gen", "-orgs", strconv.Itoa(420), "-lang", lang, "-seed", "5", "-o", dir)
			gen.Dir = filepath.Join("..", "..")
			if out, err := gen.CombinedOutput(); err != nil {
				t.Fatalf("generate: %v\n%s", err, out)
			}
			out := filepath.Join(dir, "out")
			args := []string{"dedupe", "-q", filepath.Join(dir, "orgs.csv"), "-o", out}
			if lang == "en" {
				args = append(args, "--region", "US")
			}
			if r := runCLI(t, "", args...); r.code != 0 {
				t.Fatalf("dedupe: %s", r.errOut)
			}
			ev, _ := evaluate(t, filepath.Join(dir, "truth.csv"), filepath.Join(out, "links.csv"))
			t.Logf("precision %.4f recall %.4f F1 %.4f (%d records, %d true pairs)", ev.Precision, ev.Recall, ev.F1, ev.Records, ev.TruePairs)
			if ev.Precision < 0.99 || ev.F1 < 0.9 || ev.Records < dedupe.MinTrainRecords {
				t.Errorf("precision %.4f (want ≥ 0.99), F1 %.4f (want ≥ 0.90) on %d records", ev.Precision, ev.F1, ev.Records)
			}
		})
	}
}
