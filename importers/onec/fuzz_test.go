package onec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReaders feeds arbitrary bytes to the 1C readers: errors are fine,
// panics are not, and every record has a row number.
func FuzzReaders(f *testing.F) {
	for _, s := range []string{strings.Replace(ordersCML, "%s", "UTF-8", 1), enterpriseData, dataDump, bankStatement,
		`<?xml version="1.0"?><КоммерческаяИнформация><Контрагенты><Контрагент><Ид>1</Ид></Контрагент></Контрагенты></КоммерческаяИнформация>`,
		`<ФайлОбмена><Объект Тип="СправочникСсылка.Контрагенты"><Ссылка/></Объект></ФайлОбмена>`} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.xml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path, Options{})
		if err != nil {
			return
		}
		defer r.Close()
		for row, err := range r.Rows() {
			if err != nil {
				return
			}
			if row.OK && row.Num < 1 {
				t.Fatalf("record without a row number: %+v", row.Record)
			}
		}
	})
}
