package importers

import (
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readRows(t *testing.T, path string, opt Options) (Info, []Row) {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	var rows []Row
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		rows = append(rows, row)
	}
	return r.Info(), rows
}

// A contact person with a name and nothing else is a record in a text
// file: only a workbook's layout shows group rows.
func TestNameOnlyRowInText(t *testing.T) {
	info, rows := readRows(t, filepath.Join("testdata", "text", "name-only.csv"), Options{})
	if len(info.Skipped) != 0 || info.DataRows != 3 || len(rows) != 3 {
		t.Fatalf("skipped %+v, %d data rows", info.Skipped, info.DataRows)
	}
	for i, want := range []string{"Сидорова Анна Петровна", "Морозов Илья", "Лебедева Вера"} {
		if !rows[i].OK || rows[i].Record.Fields["name"] != want || rows[i].Num != i+2 {
			t.Errorf("row %d: %+v, want %s from line %d", i, rows[i], want, i+2)
		}
	}
}
