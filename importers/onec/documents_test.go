package onec

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
)

// wantRecord is everything a record read from a 1C file carries.
type wantRecord struct {
	row    int
	key    string
	kind   crmkit.Kind
	orgKey string
	fields map[string]string
	extra  map[string]string
}

func checkRecords(t *testing.T, path string, got []crmkit.Record, want []wantRecord) {
	t.Helper()
	if len(got) != len(want) {
		for _, r := range got {
			t.Logf("got %+v", r)
		}
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Row != w.row || g.Key != w.key || g.Kind != w.kind || g.OrgSourceKey != w.orgKey || g.File != path || g.Source != "erp" {
			t.Errorf("record %d (%s): row %d key %q kind %q org key %q file %q source %q, want row %d key %q kind %q org key %q",
				i, w.key, g.Row, g.Key, g.Kind, g.OrgSourceKey, g.File, g.Source, w.row, w.key, w.kind, w.orgKey)
		}
		if !maps.Equal(g.Fields, w.fields) {
			t.Errorf("record %d (%s) fields\n got %v\nwant %v", i, w.key, g.Fields, w.fields)
		}
		if len(g.Extra) != 0 || len(w.extra) != 0 {
			if !maps.Equal(g.Extra, w.extra) {
				t.Errorf("record %d (%s) extra\n got %v\nwant %v", i, w.key, g.Extra, w.extra)
			}
		}
	}
}

// readAll reads every row of a file: the records, and the problems of rows
// that are not records.
func readAll(t *testing.T, path string) (Info, []crmkit.Record, []crmkit.Problem) {
	t.Helper()
	r, err := Open(path, Options{Source: "erp"})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	var recs []crmkit.Record
	var problems []crmkit.Problem
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		problems = append(problems, row.Problems...)
		if row.OK {
			recs = append(recs, row.Record)
		}
	}
	return r.Info(), recs, problems
}

var tagName = regexp.MustCompile(`</?[^\s>/?!]+`)

// withPrefix writes every unprefixed element of a fixture with a namespace
// prefix (as in <bd:Контрагент>), declared on the root element.
func withPrefix(doc, prefix, ns string) string {
	doc = tagName.ReplaceAllStringFunc(doc, func(tag string) string {
		if strings.Contains(tag, ":") {
			return tag
		}
		if strings.HasPrefix(tag, "</") {
			return "</" + prefix + ":" + tag[2:]
		}
		return "<" + prefix + ":" + tag[1:]
	})
	root := strings.Index(doc, "?>") + 2
	root += strings.Index(doc[root:], "<")
	end := root + strings.IndexAny(doc[root:], " >")
	return doc[:end] + ` xmlns:` + prefix + `="` + ns + `"` + doc[end:]
}

// fixtureVariants writes a testdata fixture as it is and with every
// element prefixed.
func fixtureVariants(t *testing.T, name, prefix, ns string) map[string]string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"no prefix":              write(t, name, string(doc)),
		"prefix " + prefix + ":": write(t, name, withPrefix(string(doc), prefix, ns)),
	}
}

func checkUnresolved(t *testing.T, problems []crmkit.Problem, path string, row int, key string) {
	t.Helper()
	if len(problems) != 1 {
		t.Fatalf("problems %+v, want one unresolved reference", problems)
	}
	p := problems[0]
	if p.Code != "onec.unresolved_reference" || p.Severity != crmkit.SeverityWarning || p.Row != row || p.File != path || !strings.Contains(p.Message, key) {
		t.Errorf("problem %+v, want onec.unresolved_reference at row %d naming %s", p, row, key)
	}
}

// An EnterpriseData 1.8 message whose counterparties are mostly named only
// inside documents: in a contract two levels deep, in a goods row three
// levels deep, as the owner of a contact person, the same one in two
// documents, and one also in the catalogue.
func TestEnterpriseDataDocuments(t *testing.T) {
	for variant, path := range fixtureVariants(t, "documents-enterprisedata.xml", "bd", "http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.8") {
		t.Run(variant, func(t *testing.T) {
			info, recs, problems := readAll(t, path)
			want := Info{Format: FormatEnterpriseData, Objects: map[string]int{
				"Документ.ПоступлениеТоваровУслуг": 1, "Документ.РеализацияТоваровУслуг": 1, "Документ.ЗаказКлиента": 1,
				"Справочник.Номенклатура": 1, "Справочник.Контрагенты": 1,
			}, Counterparties: 5, ContactPersons: 1, CounterpartiesFromDocuments: 4, ContactPersonsFromDocuments: 1,
				References: 10, UnresolvedReferences: 1, FoldedRepeats: 3, Records: 6}
			checkInfo(t, info, want)
			checkRecords(t, path, recs, []wantRecord{
				{row: 2, key: "b2000000-0000-4000-8000-00000000000b", fields: map[string]string{
					"name": "Белов Борис Борисович ИП", "org_name": "Индивидуальный предприниматель Белов Борис Борисович",
					"inn": "500100732259", "kind": "физ"}, extra: map[string]string{"СтранаРегистрации": "РОССИЯ"}},
				{row: 3, key: "a1000000-0000-4000-8000-00000000000a", fields: map[string]string{ // the last of two sightings
					"name": "Альфа-Трейд", "org_name": `ООО "Альфа-Трейд"`, "inn": "7707083893", "kpp": "773601001", "kind": "юр"},
					extra: map[string]string{"СтранаРегистрации": "РОССИЯ"}},
				{row: 5, key: "e5000000-0000-4000-8000-000000000005", kind: crmkit.KindContactPerson, orgKey: "d4000000-0000-4000-8000-00000000000d",
					fields: map[string]string{"name": "Смирнова Ольга Петровна", "org": "Дельта"}},
				{row: 6, key: "d4000000-0000-4000-8000-00000000000d", fields: map[string]string{
					"name": "Дельта", "org_name": `АО "Дельта"`, "inn": "7702070139", "kpp": "770201001"}},
				{row: 7, key: "c3000000-0000-4000-8000-00000000000c", fields: map[string]string{ // the catalogue's, not the documents'
					"name": "Гамма", "org_name": `ООО "Гамма"`, "inn": "7830002293", "kpp": "783001001", "kind": "юр", "phone": "+7 812 555-33-44"}},
				{row: 11, key: "f6000000-0000-4000-8000-00000000000f", fields: map[string]string{
					"name": "Фокус", "inn": "7736207543", "kpp": "773601001", "kind": "юр"}},
			})
			checkUnresolved(t, problems, path, 10, "f9000000-0000-4000-8000-0000000000ff")
		})
	}
}

// A data dump whose documents reference counterparties with their
// attributes, or by a bare GUID as a dump usually does: resolved by the
// catalogue, or reported.
func TestDataDumpDocuments(t *testing.T) {
	for variant, path := range fixtureVariants(t, "documents-datadump.xml", "v8", "http://v8.1c.ru/8.1/data/enterprise/current-config") {
		t.Run(variant, func(t *testing.T) {
			info, recs, problems := readAll(t, path)
			checkInfo(t, info, Info{Format: FormatDataDump, Objects: map[string]int{
				"DocumentObject.РеализацияТоваровУслуг": 1, "DocumentObject.ПоступлениеТоваровУслуг": 1, "CatalogObject.Контрагенты": 1,
			}, Counterparties: 3, ContactPersons: 1, CounterpartiesFromDocuments: 2, ContactPersonsFromDocuments: 1,
				References: 8, UnresolvedReferences: 1, FoldedRepeats: 2, Records: 4})
			checkRecords(t, path, recs, []wantRecord{
				{row: 2, key: "b2000000-0000-4000-8000-0000000000b2", fields: map[string]string{
					"name": "Борей", "inn": "7830002293", "kpp": "783001001", "kind": "юр", "phone": "+7 812 600-11-22"}},
				{row: 3, key: "c3000000-0000-4000-8000-0000000000c3", fields: map[string]string{
					"name": "Вега", "org_name": `АО "Вега"`, "inn": "7702070139", "kpp": "770201001", "kind": "юр"},
					extra: map[string]string{"Код": "000000077"}},
				{row: 4, key: "a1000000-0000-4000-8000-0000000000a1", fields: map[string]string{
					"name": "Аврора-М", "org_name": `ООО "Аврора-М"`, "inn": "7707083893", "kpp": "773601002", "kind": "юр"}},
				{row: 8, key: "e5000000-0000-4000-8000-0000000000e5", kind: crmkit.KindContactPerson, orgKey: "a1000000-0000-4000-8000-0000000000a1",
					fields: map[string]string{"name": "Егоров Евгений"}},
			})
			checkUnresolved(t, problems, path, 7, "99000000-0000-4000-8000-000000000099")
		})
	}
}

// A "Конвертация данных" file: references are typed Свойство elements whose
// Ссылка carries the search properties, whatever the property's name.
func TestExchangeFileDocuments(t *testing.T) {
	for variant, path := range fixtureVariants(t, "documents-exchange.xml", "x", "urn:example:exchange") {
		t.Run(variant, func(t *testing.T) {
			info, recs, problems := readAll(t, path)
			checkInfo(t, info, Info{Format: FormatExchange, Version: "2.0", Objects: map[string]int{
				"ДокументСсылка.РеализацияТоваровУслуг": 1, "ДокументСсылка.ЗаказПокупателя": 1, "СправочникСсылка.Контрагенты": 1,
			}, Counterparties: 4, ContactPersons: 1, CounterpartiesFromDocuments: 3, ContactPersonsFromDocuments: 1,
				References: 7, UnresolvedReferences: 1, FoldedRepeats: 2, Records: 5})
			checkRecords(t, path, recs, []wantRecord{
				{row: 2, key: "b2000000-0000-4000-8000-0000000000b3", fields: map[string]string{ // ДоговорКонтрагента/Владелец
					"name": "Игрек ИП", "inn": "500100732259", "kind": "физ"}},
				{row: 3, key: "c3000000-0000-4000-8000-0000000000c4", fields: map[string]string{ // the catalogue's
					"name": "Зета", "inn": "7702070139", "kpp": "770201001", "org_name": "ООО «Зета»", "kind": "юр"}},
				{row: 4, key: "a1000000-0000-4000-8000-0000000000a2", fields: map[string]string{
					"name": "Икс-Плюс", "inn": "7707083893", "kpp": "773601001"}},
				{row: 5, key: "e5000000-0000-4000-8000-0000000000e6", kind: crmkit.KindContactPerson, orgKey: "c3000000-0000-4000-8000-0000000000c4",
					fields: map[string]string{"name": "Жуков Иван", "org": "Зета (ссылка)"}},
				{row: 7, key: "inn:7736207543/", fields: map[string]string{"name": "Омега", "inn": "7736207543"}},
			})
			checkUnresolved(t, problems, path, 8, "99000000-0000-4000-8000-000000000098")
		})
	}
}

func checkInfo(t *testing.T, got, want Info) {
	t.Helper()
	if want.Version == "" {
		want.Version = got.Version
	}
	if !maps.Equal(got.Objects, want.Objects) {
		t.Errorf("objects %v, want %v", got.Objects, want.Objects)
	}
	got.Objects, want.Objects = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("info\n got %+v\nwant %+v", got, want)
	}
}

// CommerceML: a buyer of the catalogue also named by documents, before and
// after it, is the catalogue's record; a buyer only documents name counts
// as from documents.
func TestCommerceMLCatalogueWinsOverDocuments(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.08">
  <Контейнер><Документ><Ид>1</Ид><ХозОперация>Заказ товара</ХозОперация>
    <Контрагенты><Контрагент><Ид>k-1</Ид><Наименование>Лотос (заказ 1)</Наименование></Контрагент></Контрагенты>
  </Документ></Контейнер>
  <Контрагенты><Контрагент><Ид>k-1</Ид><Наименование>Лотос</Наименование><ИНН>7707083893</ИНН></Контрагент></Контрагенты>
  <Контейнер><Документ><Ид>2</Ид><ХозОперация>Заказ товара</ХозОперация>
    <Контрагенты><Контрагент><Ид>k-1</Ид><Наименование>Лотос (заказ 2)</Наименование></Контрагент>
      <Контрагент><Ид>k-2</Ид><Фамилия>Орлова</Фамилия><Имя>Вера</Имя><Наименование>Орлова Вера</Наименование></Контрагент></Контрагенты>
  </Документ></Контейнер>
</КоммерческаяИнформация>`
	path := write(t, "orders.xml", doc)
	info, recs, problems := readAll(t, path)
	checkInfo(t, info, Info{Format: FormatCommerceML, Version: "2.08", Objects: map[string]int{"Документ": 2, "Контрагент": 1},
		Counterparties: 2, CounterpartiesFromDocuments: 1, References: 3, FoldedRepeats: 2, Records: 2})
	checkRecords(t, path, recs, []wantRecord{
		{row: 2, key: "k-1", fields: map[string]string{"name": "Лотос", "inn": "7707083893"}},
		{row: 4, key: "k-2", fields: map[string]string{"name": "Орлова Вера", "last_name": "Орлова", "first_name": "Вера"}},
	})
	if len(problems) != 0 {
		t.Errorf("problems %+v", problems)
	}
}
