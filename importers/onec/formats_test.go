package onec

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
	"golang.org/x/text/encoding/charmap"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func cp1251(t *testing.T, s string) string {
	t.Helper()
	out, err := charmap.Windows1251.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// An orders export written by a site: no namespace, the same buyer in two
// documents (the last sighting wins), a deleted buyer, representatives in
// both nestings, contacts of free-text types.
const ordersCML = `<?xml version="1.0" encoding="%s"?>
<КоммерческаяИнформация ВерсияСхемы="2.10">
  <Документ><Ид>1</Ид>
    <Контрагенты><Контрагент>
      <Ид>buyer-1</Ид><Наименование>Ромашка ООО</Наименование>
      <ОфициальноеНаименование>ООО "Ромашка"</ОфициальноеНаименование>
      <ИНН>7707083893</ИНН><КПП>773601001</КПП>
      <Контакты><Контакт><Тип>Телефон рабочий</Тип><Значение>8 495 111-11-11</Значение></Контакт></Контакты>
    </Контрагент></Контрагенты>
  </Документ>
  <Документ><Ид>2</Ид>
    <Контрагенты><Контрагент>
      <Ид>buyer-2</Ид><ПометкаУдаления>true</ПометкаУдаления><Наименование>Удалённый</Наименование>
    </Контрагент></Контрагенты>
  </Документ>
  <Документ><Ид>3</Ид>
    <Контрагенты><Контрагент>
      <Ид>buyer-1</Ид><Наименование>Ромашка ООО</Наименование>
      <ОфициальноеНаименование>ООО "Ромашка"</ОфициальноеНаименование>
      <ИНН>7707083893</ИНН><КПП>773601001</КПП>
      <ЮридическийАдрес><Представление>г. Москва, ул. Полевая, 1</Представление>
        <АдресноеПоле><Тип>Страна</Тип><Значение>125009</Значение></АдресноеПоле>
        <АдресноеПоле><Тип>Город</Тип><Значение>Москва</Значение></АдресноеПоле>
      </ЮридическийАдрес>
      <Контакты>
        <Контакт><Тип>ТелефонРабочий</Тип><Значение>8 495 222-22-22</Значение></Контакт>
        <Контакт><Тип>Электронная почта</Тип><Значение>info@romashka.example</Значение></Контакт>
        <Контакт><Тип>Почта</Тип><Значение>sales@romashka.example</Значение></Контакт>
        <Контакт><Тип>Факс</Тип><Значение>8 495 333-33-33</Значение></Контакт>
      </Контакты>
      <Представители>
        <Представитель><Отношение>Контактное лицо</Отношение><Ид>rep-1</Ид><Наименование>Петрова Анна</Наименование></Представитель>
        <Представитель><Контрагент><Отношение>Контактное лицо</Отношение><Ид>rep-2</Ид><Наименование>Сидоров Олег</Наименование></Контрагент></Представитель>
      </Представители>
      <РасчетныеСчета><РасчетныйСчет><НомерСчета>40702810000000000001</НомерСчета><Банк><БИК>044525225</БИК></Банк></РасчетныйСчет></РасчетныеСчета>
    </Контрагент></Контрагенты>
  </Документ>
</КоммерческаяИнформация>`

func TestCommerceMLOrdersVariants(t *testing.T) {
	for name, path := range map[string]string{
		"utf-8":            write(t, "o.xml", strings.Replace(ordersCML, "%s", "UTF-8", 1)),
		"utf-8 with BOM":   write(t, "o.xml", "\ufeff"+strings.Replace(ordersCML, "%s", "UTF-8", 1)),
		"windows-1251":     write(t, "o.xml", cp1251(t, strings.Replace(ordersCML, "%s", "windows-1251", 1))),
		"with a namespace": write(t, "o.xml", strings.Replace(strings.Replace(ordersCML, "%s", "UTF-8", 1), `<КоммерческаяИнформация `, `<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" `, 1)),
	} {
		t.Run(name, func(t *testing.T) {
			info, recs := readRecords(t, path, Options{Source: "shop"})
			if info.Format != FormatCommerceML || info.Version != "2.10" || info.FoldedRepeats != 1 || info.Deleted != 1 ||
				info.Counterparties != 1 || info.ContactPersons != 2 || info.Objects["Документ"] != 3 || len(info.Objects) != 1 ||
				info.References != 3 || info.CounterpartiesFromDocuments != 1 || info.ContactPersonsFromDocuments != 2 {
				t.Errorf("info %+v", info)
			}
			if len(recs) != 3 {
				t.Fatalf("%d records: %+v", len(recs), recs)
			}
			b := recs[0]
			want := map[string]string{
				"name": "Ромашка ООО", "org_name": `ООО "Ромашка"`, "inn": "7707083893", "kpp": "773601001",
				"address": "г. Москва, ул. Полевая, 1", "city": "Москва",
				"phone": "рабочий: 8 495 222-22-22; факс: 8 495 333-33-33",
				"email": "info@romashka.example; sales@romashka.example",
			}
			for k, v := range want {
				if b.Fields[k] != v {
					t.Errorf("%s = %q, want %q (the last sighting wins)", k, b.Fields[k], v)
				}
			}
			if b.Key != "buyer-1" || b.Row != 3 || b.Extra["bank_accounts"] != "40702810000000000001 (БИК 044525225)" {
				t.Errorf("buyer %+v", b)
			}
			for i, key := range []string{"rep-1", "rep-2"} {
				c := recs[i+1]
				if c.Kind != crmkit.KindContactPerson || c.Key != key || c.OrgSourceKey != "buyer-1" || c.Fields["org"] != "Ромашка ООО" {
					t.Errorf("contact %d: %+v", i, c)
				}
			}
		})
	}
	_, recs := readRecords(t, write(t, "o.xml", strings.Replace(ordersCML, "%s", "UTF-8", 1)), Options{IncludeDeleted: true})
	if len(recs) != 4 || recs[0].Key != "buyer-2" {
		t.Errorf("with deleted: %+v", recs)
	}
}

const enterpriseData = `<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns:msg="http://www.1c.ru/SSL/Exchange/Message" xmlns="http://www.1c.ru/SSL/Exchange/Message">
  <msg:Header><msg:Format>http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.8</msg:Format></msg:Header>
  <Body xmlns="http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.8">
    <Справочник.Контрагенты>
      <КлючевыеСвойства>
        <Ссылка>aaaaaaaa-0000-0000-0000-000000000001</Ссылка>
        <Наименование>Вектор</Наименование>
        <НаименованиеПолное>ООО "Вектор"</НаименованиеПолное>
        <ИНН>7830002293</ИНН><КПП>783001001</КПП>
        <ЮридическоеФизическоеЛицо>ЮридическоеЛицо</ЮридическоеФизическоеЛицо>
      </КлючевыеСвойства>
      <КонтактнаяИнформация>
        <Строка><ВидКонтактнойИнформации>Телефон</ВидКонтактнойИнформации>
          <ЗначенияПолей><КонтактнаяИнформация xmlns="http://www.v8.1c.ru/ssl/contactinfo" Представление="+7 812 555-01-02"/></ЗначенияПолей></Строка>
        <Строка><ВидКонтактнойИнформации>АдресЭлектроннойПочты</ВидКонтактнойИнформации>
          <ЗначенияПолей>&lt;КонтактнаяИнформация xmlns="http://www.v8.1c.ru/ssl/contactinfo" Представление="office@vector.example"/&gt;</ЗначенияПолей></Строка>
        <Строка><ВидКонтактнойИнформации>ЮридическийАдрес</ВидКонтактнойИнформации>
          <ЗначенияПолей>&lt;КонтактнаяИнформация Представление="Санкт-Петербург, Невский пр., 1"&gt;&lt;Состав/&gt;&lt;/КонтактнаяИнформация&gt;</ЗначенияПолей></Строка>
      </КонтактнаяИнформация>
    </Справочник.Контрагенты>
    <Справочник.КонтактныеЛица>
      <КлючевыеСвойства><Ссылка>cccccccc-0000-0000-0000-000000000003</Ссылка><Наименование>Орлов Павел</Наименование></КлючевыеСвойства>
      <ОбъектВладелец><Контрагент><Ссылка>aaaaaaaa-0000-0000-0000-000000000001</Ссылка></Контрагент></ОбъектВладелец>
    </Справочник.КонтактныеЛица>
  </Body>
</Message>`

func TestEnterpriseData(t *testing.T) {
	plain := write(t, "Message_A_B.xml", "\ufeff"+enterpriseData)
	zipped := filepath.Join(t.TempDir(), "Message_A_B.zip")
	zf, _ := os.Create(zipped)
	zw := zip.NewWriter(zf)
	w, _ := zw.Create("Message_A_B.xml")
	w.Write([]byte(enterpriseData))
	zw.Close()
	zf.Close()
	for name, path := range map[string]string{"xml": plain, "zipped": zipped} {
		t.Run(name, func(t *testing.T) {
			info, recs := readRecords(t, path, Options{})
			if info.Format != FormatEnterpriseData || len(recs) != 2 || info.Counterparties != 1 || info.ContactPersons != 1 {
				t.Fatalf("info %+v records %+v", info, recs)
			}
			v := recs[0]
			if v.Key != "aaaaaaaa-0000-0000-0000-000000000001" || v.Fields["phone"] != "+7 812 555-01-02" ||
				v.Fields["email"] != "office@vector.example" || v.Fields["address"] != "Санкт-Петербург, Невский пр., 1" ||
				v.Fields["kind"] != "юр" || v.Fields["org_name"] != `ООО "Вектор"` || v.Fields["inn"] != "7830002293" {
				t.Errorf("counterparty %+v", v)
			}
			if c := recs[1]; c.Kind != crmkit.KindContactPerson || c.OrgSourceKey != v.Key || c.Fields["name"] != "Орлов Павел" {
				t.Errorf("contact person %+v", c)
			}
		})
	}
}

const dataDump = `<?xml version="1.0" encoding="UTF-8"?>
<V8Exch:_1CV8DtUD xmlns:V8Exch="http://www.1c.ru/V8/1CV8DtUD/" xmlns:v8="http://v8.1c.ru/data">
  <V8Exch:Data>
    <CatalogObject.Контрагенты>
      <Ref>bbbbbbbb-0000-0000-0000-000000000002</Ref><DeletionMark>false</DeletionMark>
      <Code>000000042</Code><Description>Гранит ЗАО</Description>
      <ИНН>7707083893</ИНН><КПП>773601001</КПП><НаименованиеПолное>ЗАО "Гранит"</НаименованиеПолное>
      <ЮрФизЛицо>ЮрЛицо</ЮрФизЛицо>
      <КонтактнаяИнформация>
        <Row><Тип>Телефон</Тип><Вид>ТелефонКонтрагента</Вид><Представление>+7 495 765-43-21</Представление></Row>
        <Row><Тип>АдресЭлектроннойПочты</Тип><Вид>EmailКонтрагента</Вид><Представление>granit@mail.example</Представление></Row>
      </КонтактнаяИнформация>
    </CatalogObject.Контрагенты>
    <CatalogObject.Контрагенты>
      <Ref>bbbbbbbb-0000-0000-0000-000000000009</Ref><DeletionMark>true</DeletionMark><Description>Старый</Description>
    </CatalogObject.Контрагенты>
    <CatalogObject.КонтактныеЛица>
      <Ref>dddddddd-0000-0000-0000-000000000004</Ref><DeletionMark>false</DeletionMark>
      <Owner>bbbbbbbb-0000-0000-0000-000000000002</Owner><Description>Кузнецова Мария</Description>
    </CatalogObject.КонтактныеЛица>
  </V8Exch:Data>
</V8Exch:_1CV8DtUD>`

func TestDataDump(t *testing.T) {
	info, recs := readRecords(t, write(t, "dump.xml", dataDump), Options{})
	if info.Format != FormatDataDump || len(recs) != 2 || info.Deleted != 1 || info.Objects["CatalogObject.Контрагенты"] != 2 {
		t.Fatalf("info %+v records %+v", info, recs)
	}
	g := recs[0]
	if g.Key != "bbbbbbbb-0000-0000-0000-000000000002" || g.Fields["name"] != "Гранит ЗАО" || g.Fields["org_name"] != `ЗАО "Гранит"` ||
		g.Fields["inn"] != "7707083893" || g.Fields["phone"] != "+7 495 765-43-21" || g.Fields["email"] != "granit@mail.example" ||
		g.Fields["kind"] != "юр" || g.Extra["Код"] != "000000042" {
		t.Errorf("counterparty %+v", g)
	}
	if c := recs[1]; c.Kind != crmkit.KindContactPerson || c.OrgSourceKey != g.Key || c.Fields["name"] != "Кузнецова Мария" {
		t.Errorf("contact person %+v", c)
	}
}

const exchangeFile = `<?xml version="1.0" encoding="windows-1251"?>
<ФайлОбмена ВерсияФормата="2.0" ИмяКонфигурацииИсточника="УправлениеТорговлей">
  <ПравилаОбмена><Объект Тип="СправочникСсылка.Контрагенты"><Свойство Имя="Наименование"><Значение>правило, не данные</Значение></Свойство></Объект></ПравилаОбмена>
  <Объект Нпп="1" Тип="СправочникСсылка.Контрагенты" ИмяПравила="Контрагенты">
    <Ссылка Нпп="1">
      <Свойство Имя="{УникальныйИдентификатор}" Тип="Строка"><Значение>eeeeeeee-0000-0000-0000-000000000005</Значение></Свойство>
      <Свойство Имя="Наименование" Тип="Строка"><Значение>Орбита ООО</Значение></Свойство>
    </Ссылка>
    <Свойство Имя="ИНН" Тип="Строка"><Значение>7707083893</Значение></Свойство>
    <Свойство Имя="НаименованиеПолное" Тип="Строка"><Значение>ООО «Орбита»</Значение></Свойство>
    <Свойство Имя="Телефоны" Тип="Строка"><Значение>(495) 123-45-67</Значение></Свойство>
    <Свойство Имя="ЮрАдрес" Тип="Строка"><Значение>Москва, ул. Лесная, 5</Значение></Свойство>
    <Свойство Имя="ОсновнойМенеджер" Тип="Строка"><Значение>Иванов</Значение></Свойство>
  </Объект>
</ФайлОбмена>`

func TestExchangeFile(t *testing.T) {
	info, recs := readRecords(t, write(t, "exchange.xml", cp1251(t, exchangeFile)), Options{Map: map[string]string{"ОсновнойМенеджер": "comment"}})
	if info.Format != FormatExchange || info.Version != "2.0" || len(recs) != 1 || info.Objects["СправочникСсылка.Контрагенты"] != 1 {
		t.Fatalf("info %+v records %+v", info, recs)
	}
	o := recs[0]
	if o.Key != "eeeeeeee-0000-0000-0000-000000000005" || o.Fields["name"] != "Орбита ООО" || o.Fields["org_name"] != "ООО «Орбита»" ||
		o.Fields["phone"] != "(495) 123-45-67" || o.Fields["address"] != "Москва, ул. Лесная, 5" || o.Fields["comment"] != "Иванов" || o.Row != 1 {
		t.Errorf("record %+v", o)
	}
}

const bankStatement = "1CClientBankExchange\r\nВерсияФормата=1.02\r\nКодировка=Windows\r\n" +
	"СекцияДокумент=Платежное поручение\r\nНомер=1\r\nПлательщикИНН=7707083893\r\nПлательщикКПП=773601001\r\nПлательщик1=ООО \"Ромашка\"\r\n" +
	"ПлательщикСчет=40702810000000000001\r\nПлательщикБИК=044525225\r\nПолучательИНН=500100732259\r\nПолучатель=ИНН 500100732259 ИП Кузнецов А.П.\r\n" +
	"ПолучательСчет=40802810000000000002\r\nКонецДокумента\r\n" +
	"СекцияДокумент=Платежное поручение\r\nНомер=2\r\nПлательщикИНН=7707083893\r\nПлательщикКПП=773601001\r\nПлательщик1=ООО \"Ромашка\"\r\n" +
	"ПолучательИНН=7830002293\r\nПолучательКПП=783001001\r\nПолучатель1=АО \"Северный ветер\"\r\nКонецДокумента\r\nКонецФайла\r\n"

func TestBankStatement(t *testing.T) {
	for name, enc := range map[string]*charmap.Charmap{"windows-1251": charmap.Windows1251, "DOS cp866": charmap.CodePage866} {
		t.Run(name, func(t *testing.T) {
			text, err := enc.NewEncoder().String(bankStatement)
			if err != nil {
				t.Fatal(err)
			}
			info, recs := readRecords(t, write(t, "kl_to_1c.txt", text), Options{})
			if info.Format != FormatBank || len(recs) != 3 || info.FoldedRepeats != 1 || info.Objects["СекцияДокумент"] != 2 {
				t.Fatalf("info %+v records %+v", info, recs)
			}
			r, k, v := recs[0], recs[1], recs[2]
			if r.Fields["inn"] != "7707083893" || r.Fields["name"] != `ООО "Ромашка"` || r.Row != 2 || r.Extra["bank_accounts"] != "40702810000000000001 (БИК 044525225)" {
				t.Errorf("payer %+v", r)
			}
			if k.Fields["name"] != "ИП Кузнецов А.П." || k.Fields["inn"] != "500100732259" {
				t.Errorf("payee %+v", k)
			}
			if v.Fields["kpp"] != "783001001" {
				t.Errorf("payee 2 %+v", v)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	full := strings.Replace(ordersCML, "%s", "UTF-8", 1)
	for name, tc := range map[string]struct {
		content string
		is      error
		says    string
	}{
		"truncated":      {full[:len(full)/2], ErrMalformed, "line"},
		"wrong encoding": {strings.Replace(full, "UTF-8", "koi9-x", 1), ErrMalformed, "koi9-x"},
		"unknown root":   {`<?xml version="1.0"?><Справочник/>`, importers.ErrUnsupported, "Справочник"},
		"bank truncated": {bankStatement[:len(bankStatement)/2], ErrMalformed, "not closed"},
	} {
		t.Run(name, func(t *testing.T) {
			path := write(t, "bad.xml", tc.content)
			r, err := Open(path, Options{})
			if err == nil {
				for _, e := range r.Rows() {
					if e != nil {
						err = e
					}
				}
				r.Close()
			}
			if err == nil || !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), "bad.xml") {
				t.Errorf("error %v, want %v saying %q", err, tc.is, tc.says)
			}
		})
	}
}
