package onec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
)

// A CommerceML catalogue as 1C writes it, with what makes objects not
// records: a deleted counterparty, one that repeats in an order, an order
// naming a key the catalogue does not describe (in CommerceML a record
// with its key alone), and a counterparty that cannot be read. Every counterparty element is a record, a row problem naming
// its ordinal, or a repeat of a key already read.
const catalogueCML = `<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.05">
  <Классификатор><Ид>cls</Ид><Наименование>Классификатор</Наименование>
    <Группы><Группа><Ид>g1</Ид><Наименование>Покупатели</Наименование>
      <Группы><Группа><Ид>g2</Ид><Наименование>Опт</Наименование></Группа></Группы>
    </Группа></Группы>
  </Классификатор>
  <Контрагенты>
    <Контрагент><Ид>d9510b52-e154-11db-80b9-00c09f6bedaa</Ид><Наименование>Ромашка ООО</Наименование>
      <ОфициальноеНаименование>ООО «Ромашка»</ОфициальноеНаименование><ИНН>7707083893</ИНН><КПП/></Контрагент>
    <Контрагент><Ид>d9510b53-e154-11db-80b9-00c09f6bedaa</Ид><ПометкаУдаления>true</ПометкаУдаления>
      <Наименование>Старый клиент</Наименование></Контрагент>
    <Контрагент><Ид>d9510b54-e154-11db-80b9-00c09f6bedaa</Ид><Наименование>Иванов Иван Иванович</Наименование>
      <Фамилия>Иванов</Фамилия><Имя>Иван</Имя><Отчество>Иванович</Отчество><ИНН/></Контрагент>
    <Контрагент><Ид>d9510b55-e154-11db-80b9-00c09f6bedaa</Ид><Наименование>Гранит АО</Наименование>
      <Представители><Представитель><Отношение>Контактное лицо</Отношение><Ид>rep-1</Ид><Наименование>Петрова Анна</Наименование></Представитель>
        <Представитель><Отношение>Бухгалтер</Отношение><Ид>rep-2</Ид></Представитель></Представители>
    </Контрагент>
    <Контрагент><Ид>bad</Ид><Наименование>Битый</Наименование><Комментарий>%s</Комментарий></Контрагент>
    <Контрагент><Ид>d9510b56-e154-11db-80b9-00c09f6bedaa</Ид><Наименование>Березин ИП</Наименование></Контрагент>
  </Контрагенты>
  <Документ><Ид>order-1</Ид>
    <Контрагенты>
      <Контрагент><Ид>d9510b52-e154-11db-80b9-00c09f6bedaa</Ид><Наименование>Ромашка ООО</Наименование></Контрагент>
      <Контрагент><Ид>site-77</Ид></Контрагент>
    </Контрагенты>
  </Документ>
</КоммерческаяИнформация>`

func TestCommerceMLEveryObjectAccountedFor(t *testing.T) {
	// The bad one nests past what an object may hold.
	path := write(t, "import.xml", fmt.Sprintf(catalogueCML, strings.Repeat("<a>", maxObjectDepth)+strings.Repeat("</a>", maxObjectDepth)))
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := map[int]string{} // ordinal → what became of it
	unnamed := map[int]int{} // ordinal → parts of it left out, each a problem
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		what := "record"
		if !row.OK {
			if len(row.Problems) != 1 || row.Problems[0].Row != row.Num || row.Problems[0].File != path {
				t.Errorf("object %d: not a record and not one problem naming it: %+v", row.Num, row.Problems)
				continue
			}
			what = row.Problems[0].Code
			if what == RowUnnamed {
				unnamed[row.Num]++
				if !strings.Contains(row.Problems[0].Message, "Бухгалтер") {
					t.Errorf("object %d: %q does not say which representative", row.Num, row.Problems[0].Message)
				}
				continue
			}
		}
		if prev, seen := rows[row.Num]; seen && !(prev == "record" && what == "record") {
			t.Errorf("object %d twice: %s and %s", row.Num, prev, what)
		}
		rows[row.Num] = what
	}
	info := r.Info()
	// Eight counterparty elements: six in the catalogue, two in the order.
	const elements = 8
	if got := len(rows) + info.FoldedRepeats; got != elements {
		t.Errorf("%d elements in, %d accounted for (%v, %d repeats folded)", elements, got, rows, info.FoldedRepeats)
	}
	// Гранит's representative without a name is not a record: a problem.
	if fmt.Sprint(unnamed) != "map[4:1]" {
		t.Errorf("parts left out %v, want object 4's nameless representative", unnamed)
	}
	want := map[int]string{1: "record", 2: RowDeleted, 3: "record", 4: "record", 5: "onec.bad_object", 6: "record", 8: "record"}
	if fmt.Sprint(rows) != fmt.Sprint(want) || info.FoldedRepeats != 1 || info.Deleted != 1 {
		t.Errorf("objects %v, want %v; repeats %d, deleted %d", rows, want, info.FoldedRepeats, info.Deleted)
	}
	// With --include-deleted the deleted one is a record.
	r2, err := Open(path, Options{IncludeDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	for row := range r2.Rows() {
		if row.Num == 2 && !row.OK {
			t.Errorf("object 2 with IncludeDeleted: %+v", row.Problems)
		}
	}
}

// Hostile 1C files: nesting 10,000 and 200,000 levels deep outside any
// counterparty, 20,000 inside one, an unclosed nest, a 9 MB text node.
// Each is read, an object past the limits is one bad object (the rest is
// read), or the file stops with an error naming it — quickly, never a
// panic or a blown stack.
func TestCommerceMLDeepAndHuge(t *testing.T) {
	dir := t.TempDir()
	head := `<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.10">`
	one := `<Контрагенты><Контрагент><Ид>a</Ид><Наименование>Альфа ООО</Наименование></Контрагент>`
	last := `<Контрагент><Ид>c</Ид><Наименование>Гамма</Наименование></Контрагент></Контрагенты></КоммерческаяИнформация>`
	deep := func(name string, n int) string {
		return strings.Repeat("<"+name+">", n) + strings.Repeat("</"+name+">", n)
	}
	for _, tt := range []struct {
		name, xml string
		records   int    // when read
		bad       string // the one bad object's problem
		fatal     string // when the file is refused
	}{
		{"groups-10k", head + "<Классификатор><Группы>" + deep("Группа", 10_000) + "</Группы></Классификатор>" + one + last, 2, "", ""},
		{"groups-200k", head + "<Классификатор>" + deep("Группа", 200_000) + "</Классификатор>" + one + last, 0, "", "nested more than 50000 deep"},
		{"unclosed-200k", head + strings.Repeat("<Группа>", 200_000), 0, "", "nested more than 50000 deep"},
		{"inside-counterparty-20k", head + one + `<Контрагент><Ид>b</Ид><Наименование>Бета</Наименование>` + deep("Контакты", 20_000) + `</Контрагент>` + last,
			2, "nested more than 1000 deep", ""},
		{"huge-text", head + one + `<Контрагент><Ид>b</Ид><Наименование>` + strings.Repeat("Ромашка ", 600_000) + `</Наименование></Контрагент>` + last,
			2, "the text of Наименование is too long", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".xml")
			if err := os.WriteFile(path, []byte(tt.xml), 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			records, problems, err := readOneC(path)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if tt.fatal != "" {
				if err == nil || !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), path+" line ") || !strings.Contains(err.Error(), tt.fatal) || len(err.Error()) > 300 {
					t.Errorf("error %v, want a short ErrMalformed naming %s and saying %q", err, path, tt.fatal)
				}
				return
			}
			if err != nil || records != tt.records {
				t.Fatalf("%d records, %v; want %d records", records, err, tt.records)
			}
			switch {
			case tt.bad == "" && len(problems) != 0:
				t.Errorf("problems %+v", problems)
			case tt.bad != "" && (len(problems) != 1 || problems[0].Code != "onec.bad_object" || problems[0].Row != 2 ||
				problems[0].File != path || !strings.Contains(problems[0].Message, tt.bad) || len(problems[0].Message) > 200):
				t.Errorf("problems %+v, want object 2 bad: %s", problems, tt.bad)
			}
		})
	}
}

// readOneC reads every row of a 1C file: how many records, the problems
// of the rows that are none, and the error that stopped it.
func readOneC(path string) (int, []crmkit.Problem, error) {
	r, err := Open(path, Options{})
	if err != nil {
		return 0, nil, err
	}
	defer r.Close()
	n := 0
	var problems []crmkit.Problem
	for row, err := range r.Rows() {
		if err != nil {
			return n, problems, err
		}
		if row.OK {
			n++
		} else {
			problems = append(problems, row.Problems...)
		}
	}
	return n, problems, nil
}
