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
	// Counterparties only documents name: references at any depth, with and
	// without a namespace prefix, bare GUIDs, typed exchange properties.
	for name, prefix := range map[string]string{"documents-enterprisedata.xml": "bd", "documents-datadump.xml": "v8", "documents-exchange.xml": "x"} {
		doc, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(doc)
		f.Add([]byte(withPrefix(string(doc), prefix, "urn:fuzz")))
	}
	for _, s := range []string{
		`<Message><Body><Документ.Х><Контрагент>00000000-0000-0000-0000-000000000000</Контрагент><Контрагент>Иванов</Контрагент><КонтактноеЛицо><Ссылка>1</Ссылка><ОбъектВладелец/></КонтактноеЛицо></Документ.Х></Body></Message>`,
		`<ФайлОбмена><Объект Тип="ДокументСсылка.Х"><Свойство Тип="СправочникСсылка.КонтактныеЛица"><Ссылка><Свойство Имя="Владелец" Тип="СправочникСсылка.Контрагенты"><Ссылка/></Свойство></Ссылка></Свойство></Объект></ФайлОбмена>`,
	} {
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
