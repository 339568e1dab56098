package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
)

// Cleansing runs on every core, yet a file's records and problems come out
// in its rows' order, as one core gives them: many batches of rows, every
// seventh with a phone that has no area code (a problem of its row).
func TestCleansingKeepsRowOrder(t *testing.T) {
	const rows = 5*readBatchSize + 77
	var b strings.Builder
	b.WriteString("Код;ФИО;Телефон\n")
	for i := range rows {
		phone := fmt.Sprintf("+7 916 %03d-%02d-%02d", i%1000, i%100, (i/100)%100)
		if i%7 == 0 {
			phone = fmt.Sprintf("%d-%02d-%02d", 100+i%900, i%100, i%97) // no area code
		}
		fmt.Fprintf(&b, "%05d;Иванов Иван %d;%s\n", i, i, phone)
	}
	path := filepath.Join(t.TempDir(), "clients.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	fl, err := readFiles(context.Background(), []string{path}, Config{}, &globalOptions{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fl.Records) != rows {
		t.Fatalf("%d records, want %d", len(fl.Records), rows)
	}
	for i, r := range fl.Records {
		if want := i + 2; r.Row != want { // the header is line 1
			t.Fatalf("record %d is of line %d, want %d", i, r.Row, want)
		}
	}
	last, phoneProblems := 0, 0
	for _, p := range fl.Problems {
		if p.Row < last {
			t.Fatalf("a problem of line %d after one of line %d", p.Row, last)
		}
		last = p.Row
		if p.Field == crmkit.FieldPhone {
			phoneProblems++
		}
	}
	if want := (rows + 6) / 7; phoneProblems < want {
		t.Errorf("%d phone problems, want at least %d (one for each seventh row)", phoneProblems, want)
	}
}
