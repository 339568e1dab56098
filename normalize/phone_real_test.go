package normalize

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// truthRow is one hand-labelled cell of ../shared/phones-real/truth.tsv.
type truthRow struct {
	raw, e164, ext, area, note string
}

func readTruth(t *testing.T) []truthRow {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "phones-real", "truth.tsv")
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs ../shared beside the clone: %v", err)
		}
		t.Skipf("real phone corpus not found: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var rows []truthRow
	for _, rec := range recs[1:] {
		for len(rec) < 5 {
			rec = append(rec, "")
		}
		rows = append(rows, truthRow{rec[0], rec[1], rec[2], rec[3], rec[4]})
	}
	return rows
}

// TestPhonesRealCorpus measures extraction on 400 real cells labelled by
// hand. The floor only ever goes up: it is the last measured accuracy.
func TestPhonesRealCorpus(t *testing.T) {
	rows := readTruth(t)
	if len(rows) != 400 {
		t.Fatalf("truth.tsv has %d rows, want 400", len(rows))
	}
	exact := 0
	for _, row := range rows {
		phones, _ := Phones(row.raw, PhoneOptions{Region: "RU", AreaCode: row.area})
		var got, gotExt []string
		for _, p := range phones {
			got = append(got, p.E164)
			gotExt = append(gotExt, p.Extension)
		}
		wantExt := row.ext
		if strings.Trim(wantExt, ";") == "" {
			wantExt = ""
		}
		ge := strings.Join(gotExt, ";")
		if strings.Trim(ge, ";") == "" {
			ge = ""
		}
		if strings.Join(got, ";") == row.e164 && ge == wantExt {
			exact++
		} else if testing.Verbose() {
			t.Logf("miss %q: got %s [%s], want %s [%s] (%s)", row.raw, strings.Join(got, ";"), ge, row.e164, wantExt, row.note)
		}
	}
	acc := float64(exact) / float64(len(rows))
	t.Logf("real corpus: %d/%d cells exact (%.1f%%)", exact, len(rows), 100*acc)
	const floor = 0.995
	if acc < floor {
		t.Errorf("accuracy %.3f fell below the floor %.3f", acc, floor)
	}
}
