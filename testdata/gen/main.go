// Command gen writes crmkit's sample inputs: the small demo files in
// testdata/ (go generate ./... from the module root runs it) and, with
// -rows, a large generated workbook for benchmarks (with -nightly-of, a
// nightly file of changed and new rows against one). All people and
// companies are invented; INNs are made with valid control digits.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

func main() {
	dir := flag.String("dir", "testdata", "folder for the sample files")
	rows := flag.Int("rows", 0, "write a generated workbook of this many rows to -o instead of the samples")
	out := flag.String("o", "", "output of -rows (.xlsx or .csv)")
	seed := flag.Uint64("seed", 1, "random seed of -rows")
	nightlyOf := flag.Int("nightly-of", 0, "with -rows N: write instead a nightly file of N rows against the file -rows BASE -seed S writes: about half of them base rows with the same code and a changed phone, e-mail or address, the rest new customers")
	newOnly := flag.Bool("new-only", false, "with -nightly-of: only new customers, none of the base's nor of its nightly file (a file of other customers than the store's)")
	cmlMB := flag.Int("commerceml-mb", 0, "write a generated CommerceML orders file of about this many MB to -o instead")
	labelled := flag.Int("labelled", 0, "write a labelled dedupe benchmark of this many customers into the folder -o: crm.csv, site.csv, truth.csv")
	orgs := flag.Int("orgs", 0, "write a labelled benchmark of this many organisations without INN into the folder -o: orgs.csv, truth.csv")
	lang := flag.String("lang", "en", "language of -orgs: en (US businesses) or ru")
	flag.Parse()
	if *orgs > 0 {
		if *out == "" || (*lang != "en" && *lang != "ru") {
			log.Fatal("gen: -orgs needs -o DIR and -lang en or ru")
		}
		if err := writeLabelledOrgs(*out, *orgs, *seed, *lang); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *labelled > 0 {
		if *out == "" {
			log.Fatal("gen: -labelled needs -o DIR")
		}
		if err := writeLabelled(*out, *labelled, *seed); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *cmlMB > 0 {
		if *out == "" {
			log.Fatal("gen: -commerceml-mb needs -o FILE")
		}
		if err := writeCommerceML(*out, *cmlMB<<20, *seed); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *rows > 0 {
		if *out == "" {
			log.Fatal("gen: -rows needs -o FILE")
		}
		if *nightlyOf > 0 {
			changed := *rows / 2
			if *newOnly {
				changed = 0
			}
			if err := writeNightly(*out, *rows, changed, *nightlyOf, *seed); err != nil {
				log.Fatal(err)
			}
			return
		}
		if err := writeBig(*out, *rows, *seed); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := writeSamples(*dir); err != nil {
		log.Fatal(err)
	}
}

// writeSamples writes three small files that describe overlapping customers.
func writeSamples(dir string) error {
	// clients.xlsx: a 1C list form saved to Excel — three title rows, numeric
	// INN and phone cells, a blank row, an unmapped column.
	f := excelize.NewFile()
	defer f.Close()
	sh := "Контрагенты"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	rows := [][]any{
		{"Контрагенты"},
		{"Отчет сформирован 01.11.2026 10:15"},
		{"Отбор: Вид контрагента = Покупатель"},
		{"Код", "Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Адрес", "Менеджер"},
		{"00-000017", "ООО «Ромашка»", int64(7707083893), int64(773601001), int64(74951234567), "info@romashka.example", "г. Москва, ул. Полевая, д. 1", "Смирнова"},
		{"00-000018", "ИП Кузнецов Андрей Петрович", int64(500100732259), nil, "8 (916) 123-45-67", "kuznetsov.ap@mail.example", "г. Тверь", "Смирнова"},
		{"00-000019", "АО \"Северный ветер\"", "7830002293", "783001001", "(812) 555-01-02, доб. 105", "", "Санкт-Петербург, Невский пр., 10", "Орлов"},
		{},
		{"00-000020", "Волкова Ольга Сергеевна", nil, nil, "123-45-99", "o.volkova@yandex.example", "", "Орлов"},
		{"00-000021", "ООО Техносфера", int64(7707083894), nil, "8 800 555 35 35", "sales@technosfera.example", "", ""},
		{"00-000022", "Зайцев Игорь", nil, nil, "не указан", "zaitsev@", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			return err
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "clients.xlsx")); err != nil {
		return err
	}

	// contacts-1251.csv: saved on Russian Windows — Windows-1251, ";", a title
	// line, a quoted cell with a line break.
	contacts := strings.Join([]string{
		"Выгрузка контактов CRM;;;;",
		"ФИО;Тел./факс;Эл. почта;Город;Организация",
		"Кузнецов Андрей Петрович;+7 916 123 45 67;;Тверь;",
		"Петрова Мария Ивановна;\"8 (495) 765-43-21\nмоб. 8 903 111 22 33\";m.petrova@romashka.example;Москва;ООО «Ромашка»",
		"Волкова Ольга;8-495-123-45-99;O.Volkova@Yandex.example;Москва;",
		"Соколов Денис;89261112233;sokolov@mail.example;Казань;",
		"",
	}, "\r\n")
	enc, err := charmap.Windows1251.NewEncoder().String(contacts)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "contacts-1251.csv"), []byte(enc), 0o644); err != nil {
		return err
	}

	// leads.csv: a web form export — UTF-8 with BOM, ",", English headers.
	leads := "\ufeffName,Phone,Email,City,Comment\r\n" +
		"Romashka LLC,+7 495 123-45-67,info@romashka.example,Moscow,asked for a price list\r\n" +
		"Денис Соколов,+7 926 111-22-33,,Казань,\r\n" +
		"Елена Морозова,+7 999 000 11 22,morozova@mail.example,Самара,new lead\r\n"
	return os.WriteFile(filepath.Join(dir, "leads.csv"), []byte(leads), 0o644)
}

var (
	lastNames   = []string{"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев"}
	firstNames  = []string{"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Иван", "Михаил", "Николай", "Евгений"}
	patronymics = []string{"Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Иванович", "Петрович", "Михайлович", "Николаевич"}
	orgWords    = []string{"Ромашка", "Вектор", "Альфа", "Техносфера", "Север", "Гранит", "Меридиан", "Прогресс", "Импульс", "Орбита", "Сфера", "Стройресурс"}
	forms       = []string{"ООО", "АО", "ПАО", "ИП"}
	cities      = []string{"Москва", "Санкт-Петербург", "Казань", "Тверь", "Самара", "Екатеринбург", "Новосибирск"}
)

// bigHeader is the header of writeBig's rows.
var bigHeader = []any{"Код", "Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Адрес", "Город", "Менеджер", "Комментарий"}

// writeBig writes n rows of invented customers in the shape of clients.xlsx,
// with about one row in five repeating an earlier customer in another form.
func writeBig(path string, n int, seed uint64) error {
	return writeTable(path, n, bigRows(seed))
}

// bigRows returns writeBig's row maker: row(i) is the next row, with the
// code (Код) and e-mail of number i. Each row depends on the ones before, so
// the same seed gives the same rows only when they are asked for in order.
func bigRows(seed uint64) func(i int) []any {
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	type customer struct {
		name, inn, phone, email, city string
	}
	var seen []customer
	return func(i int) []any {
		var c customer
		if len(seen) > 0 && rnd.IntN(5) == 0 {
			c = seen[rnd.IntN(len(seen))]
			c.phone = "8" + strings.TrimPrefix(c.phone, "+7") // the same number, written another way
		} else {
			if rnd.IntN(2) == 0 {
				c.name = fmt.Sprintf("%s «%s-%d»", forms[rnd.IntN(3)], orgWords[rnd.IntN(len(orgWords))], rnd.IntN(1000))
				c.inn = inn10(rnd)
			} else {
				c.name = fmt.Sprintf("%s %s %s", lastNames[rnd.IntN(len(lastNames))], firstNames[rnd.IntN(len(firstNames))], patronymics[rnd.IntN(len(patronymics))])
			}
			c.phone = fmt.Sprintf("+79%02d%07d", rnd.IntN(100), rnd.IntN(10_000_000))
			c.email = fmt.Sprintf("client%d@mail.example", i)
			c.city = cities[rnd.IntN(len(cities))]
			if len(seen) < 100_000 {
				seen = append(seen, c)
			}
		}
		return []any{fmt.Sprintf("%08d", i), c.name, c.inn, "", c.phone, c.email, "ул. Ленина, д. " + fmt.Sprint(1+rnd.IntN(200)), c.city, "Менеджер", ""}
	}
}

// writeTable writes bigHeader and rows 1..n of row to path: a ";" CSV when
// the path ends in .csv, else a workbook with a title row.
func writeTable(path string, n int, row func(i int) []any) error {
	if strings.HasSuffix(path, ".csv") {
		var b strings.Builder
		for i, h := range bigHeader {
			if i > 0 {
				b.WriteByte(';')
			}
			fmt.Fprint(&b, h)
		}
		b.WriteString("\r\n")
		for i := 1; i <= n; i++ {
			for j, v := range row(i) {
				if j > 0 {
					b.WriteByte(';')
				}
				fmt.Fprint(&b, v)
			}
			b.WriteString("\r\n")
		}
		return os.WriteFile(path, []byte(b.String()), 0o644)
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"Контрагенты"}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", bigHeader); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row(i)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// writeCommerceML writes a CommerceML 2.08 file of about size bytes: a
// counterparty catalogue, then orders whose buyers repeat catalogue entries
// (as a site's exchange does), each with contacts and a representative.
func writeCommerceML(path string, size int, seed uint64) error {
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" ВерсияСхемы=\"2.08\">\n")
	written := 0
	counterparty := func(i int) string {
		name := fmt.Sprintf("%s «%s-%d»", forms[rnd.IntN(3)], orgWords[rnd.IntN(len(orgWords))], i)
		return fmt.Sprintf(`<Контрагент><Ид>%08x-0000-4000-8000-%012d</Ид><ПометкаУдаления>false</ПометкаУдаления><Наименование>%s</Наименование>`+
			`<ОфициальноеНаименование>%s</ОфициальноеНаименование><ИНН>%s</ИНН><КПП>773601001</КПП>`+
			`<ЮридическийАдрес><Представление>г. %s, ул. Ленина, д. %d</Представление><АдресноеПоле><Тип>Город</Тип><Значение>%s</Значение></АдресноеПоле></ЮридическийАдрес>`+
			`<Контакты><Контакт><Тип>Телефон рабочий</Тип><Значение>+7 (495) %03d-%02d-%02d</Значение></Контакт><Контакт><Тип>Электронная почта</Тип><Значение>c%d@mail.example</Значение></Контакт></Контакты>`+
			`<Представители><Представитель><Отношение>Контактное лицо</Отношение><Ид>rep-%d</Ид><Наименование>%s %s</Наименование></Представитель></Представители>`+
			`</Контрагент>`+"\n",
			i, i, name, name, inn10(rnd), cities[rnd.IntN(len(cities))], 1+rnd.IntN(200), cities[rnd.IntN(len(cities))],
			rnd.IntN(1000), rnd.IntN(100), rnd.IntN(100), i, i, lastNames[rnd.IntN(len(lastNames))], firstNames[rnd.IntN(len(firstNames))])
	}
	catalogue := 0
	fmt.Fprint(w, "<Контрагенты>\n")
	for written < size/2 {
		catalogue++
		n, _ := fmt.Fprint(w, counterparty(catalogue))
		written += n
	}
	fmt.Fprint(w, "</Контрагенты>\n")
	for doc := 1; written < size; doc++ {
		n, _ := fmt.Fprintf(w, "<Документ><Ид>%d</Ид><Номер>%d</Номер><ХозОперация>Заказ товара</ХозОперация><Контрагенты>%s</Контрагенты><Сумма>%d.00</Сумма></Документ>\n",
			doc, doc, counterparty(1+rnd.IntN(catalogue)), rnd.IntN(100000))
		written += n
	}
	fmt.Fprint(w, "</КоммерческаяИнформация>\n")
	return w.Flush()
}

// inn10 makes a random organisation INN with a valid control digit.
func inn10(rnd *rand.Rand) string {
	w := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	d := make([]byte, 10)
	sum := 0
	for i := range 9 {
		d[i] = byte('0' + rnd.IntN(10))
		sum += int(d[i]-'0') * w[i]
	}
	d[9] = byte('0' + sum%11%10)
	return string(d)
}
