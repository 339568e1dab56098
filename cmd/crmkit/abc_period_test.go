package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// A sales ledger in Windows-1251 (a row per sale, many of one customer):
// abc --from/--to ranks the period's rows, every one of them; bad days are
// usage errors before the store is opened.
func TestABCPeriodOfLedger(t *testing.T) {
	dir := t.TempDir()
	ledger := "Покупатель;ИНН;Дата продажи;Сумма продаж\r\n" +
		"ООО «Альфа»;7707083893;15.01.2026;1 000,00\r\n" +
		"ООО «Альфа»;7707083893;20.02.2026;2 000,00\r\n" +
		"ООО «Бета»;7736012343;10.03.2026;500\r\n" +
		"ООО «Альфа»;7707083893;05.07.2026;4 000,00\r\n"
	data, err := charmap.Windows1251.NewEncoder().String(ledger)
	if err != nil {
		t.Fatal(err)
	}
	path, store := filepath.Join(dir, "sales.csv"), filepath.Join(dir, "crm.db")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", "import", "-q", "--store", store, path); r.code != 0 {
		t.Fatalf("import: exit %d: %s", r.code, r.errOut)
	}
	r := runCLI(t, "", "abc", "--store", store, "--from", "2026-01-01", "--to", "2026-06-30", "--format", "json")
	if r.code != 0 {
		t.Fatalf("abc: exit %d: %s", r.code, r.errOut)
	}
	var doc struct {
		From  string  `json:"from"`
		To    string  `json:"to"`
		Total float64 `json:"total_revenue"`
		Rows  []struct {
			Name    string  `json:"name"`
			Revenue float64 `json:"revenue"`
			Class   string  `json:"class"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if doc.From != "2026-01-01" || doc.To != "2026-06-30" || doc.Total != 3500 || len(doc.Rows) != 2 ||
		!strings.Contains(doc.Rows[0].Name, "Альфа") || doc.Rows[0].Revenue != 3000 || doc.Rows[0].Class != "A" || doc.Rows[1].Revenue != 500 {
		t.Errorf("H1 2026: %s", r.out)
	}
	if r := runCLI(t, "", "abc", "--store", store, "--from", "2026-07-01"); r.code != 0 ||
		!strings.Contains(r.out, "dated from 2026-07-01\n") || !strings.Contains(r.out, "revenue 4000.00") {
		t.Errorf("from July on: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	for _, args := range [][]string{{"--from", "01.01.2026"}, {"--to", "2026-02-30"}, {"--from", "2026-07-01", "--to", "2026-06-30"}} {
		r := runCLI(t, "", append([]string{"abc", "--store", filepath.Join(dir, "none.db")}, args...)...)
		if r.code != 2 || !strings.Contains(r.errOut, args[0]) {
			t.Errorf("abc %v: exit %d, %q; want a usage error naming %s", args, r.code, r.errOut, args[0])
		}
		if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
			t.Errorf("abc %v created a store", args)
		}
	}
}
