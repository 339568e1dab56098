package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crmkit forget erases one customer — on SQLite from the file itself —
// leaves the others as they were, reports a re-import of its row as
// record.forgotten, and cannot be undone.
func TestForget(t *testing.T) {
	stores(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		file := filepath.Join(dir, "shop.csv")
		if err := os.WriteFile(file, []byte("ФИО;Телефон;E-mail;ИНН;Город\n"+
			"Шереметьева Аглая Витальевна;8 (916) 555-12-34;aglaya.sh@example.ru;500100732259;Казань\n"+
			"Иванов Иван Иванович;+7 903 111-22-33;ivanov@example.ru;;Москва\n"+
			"Смирнова Ольга Петровна;+7 905 444-55-66;olga@example.ru;;Тверь\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		imp := []string{"import", "--store", dsn, "--source", "shop", "-q", file}
		if r := runCLI(t, "", imp...); r.code != 0 {
			t.Fatalf("import: exit %d: %s", r.code, r.errOut)
		}
		var id, key string
		for _, l := range exportTable(t, dsn, "links")[1:] {
			if l[4] == "2" {
				id, key = l[0], l[2]
			}
		}
		cards := exportTable(t, dsn, "cards")
		if id == "" || len(cards) != 4 {
			t.Fatalf("the import gave %d cards, the person's ID %q", len(cards)-1, id)
		}

		if r := runCLI(t, "", "forget", "--store", dsn); r.code != exitUsage {
			t.Errorf("forget without a customer: exit %d", r.code)
		}
		if r := runCLI(t, "", "forget", "shop/", "--store", dsn); r.code != exitUsage {
			t.Errorf("forget shop/: exit %d", r.code)
		}
		if r := runCLI(t, "", "forget", "no-such-id", "--store", dsn); r.code != exitFailure || !strings.Contains(r.errOut, "no such customer") {
			t.Errorf("forget of an unknown ID: exit %d: %s", r.code, r.errOut)
		}
		r := runCLI(t, "", "forget", "shop/"+key, "--store", dsn, "--reason", "request no. 17", "--format", "json")
		var got struct {
			RunID      int64  `json:"run_id"`
			PersonalID string `json:"personal_id"`
			Records    int    `json:"records"`
			Cards      int    `json:"cards"`
		}
		if err := json.Unmarshal([]byte(r.out), &got); r.code != 0 || err != nil || got.RunID != 2 || got.PersonalID != id || got.Records != 1 || got.Cards != 1 {
			t.Fatalf("forget: exit %d %v %+v: %s", r.code, err, got, r.errOut)
		}
		var want [][]string
		for _, c := range cards {
			if c[0] != id {
				want = append(want, c)
			}
		}
		if after := exportTable(t, dsn, "cards"); !equalRows(after, want) {
			t.Errorf("cards after the forget:\n%v\nwant\n%v", after, want)
		}
		if !strings.Contains(dsn, "://") {
			// The file, and its write-ahead log, no longer hold the values.
			for _, p := range []string{dsn, dsn + "-wal"} {
				b, err := os.ReadFile(p)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				for _, v := range []string{"Шереметьева", "9165551234", "aglaya.sh@example.ru", "500100732259"} {
					if bytes.Contains(b, []byte(v)) {
						t.Errorf("%s still holds %s", filepath.Base(p), v)
					}
				}
			}
		}
		if r := runCLI(t, "", "runs", "undo", "--store", dsn); r.code != exitFailure || !strings.Contains(r.errOut, "forgot a customer") {
			t.Errorf("undo of the forget: exit %d: %s", r.code, r.errOut)
		}
		if r := runCLI(t, "", "runs", "list", "--store", dsn); !strings.Contains(r.out, "crmkit forget shop/"+key) {
			t.Errorf("runs list does not show the forget:\n%s", r.out)
		}

		// The same file again: the row is reported, not stored.
		r = runCLI(t, "", "import", "--store", dsn, "--source", "shop", "--format", "json", file)
		if s := jsonSummary(t, r); r.code != 0 || s.ProblemsByCode["record.forgotten"] != 1 || s.CardsCreated != 0 || s.Records != 2 {
			t.Errorf("import after the forget: exit %d %+v: %s", r.code, s, r.errOut)
		}
		if after := exportTable(t, dsn, "cards"); !equalRows(after, want) {
			t.Errorf("cards after importing the forgotten row again:\n%v\nwant\n%v", after, want)
		}
		problems := exportTable(t, dsn, "problems")
		if len(problems) != 2 || !strings.Contains(strings.Join(problems[1], ","), "record.forgotten") {
			t.Errorf("problems of the import: %v", problems)
		}
	})
}
