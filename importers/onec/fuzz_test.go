package onec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		done := make(chan string, 1)
		go func() {
			r, err := Open(path, Options{})
			if err != nil {
				done <- ""
				return
			}
			defer r.Close()
			for row, err := range r.Rows() {
				if err != nil {
					break
				}
				if row.OK && row.Num < 1 {
					done <- fmt.Sprintf("record without a row number: %+v", row.Record)
					return
				}
			}
			done <- ""
		}()
		select {
		case msg := <-done:
			if msg != "" {
				t.Fatal(msg)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no answer in 20 s on %q", data[:min(len(data), 300)])
		}
	})
}
