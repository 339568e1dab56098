package importers

import (
	"testing"

	"github.com/crmkit/crmkit"
)

// Headers as real exports write them — 1C list forms and reports, CRM
// exports, hand-made workbooks, English tools — and the field and rule
// each maps by.
func TestHeaderVariants(t *testing.T) {
	const (
		name, last, first, middle = crmkit.FieldName, crmkit.FieldLastName, crmkit.FieldFirstName, crmkit.FieldMiddleName
		org, orgName, inn, kpp    = crmkit.FieldOrg, crmkit.FieldOrgName, crmkit.FieldINN, crmkit.FieldKPP
		phone, email, addr, city  = crmkit.FieldPhone, crmkit.FieldEmail, crmkit.FieldAddress, crmkit.FieldCity
		birth, rev, id, comment   = crmkit.FieldBirthDate, crmkit.FieldRevenue, crmkit.FieldSourceID, crmkit.FieldComment
		ogrn, contact, kind, form = crmkit.FieldOGRN, crmkit.FieldContactPerson, crmkit.FieldKind, crmkit.FieldLegalForm
	)
	for _, tt := range []struct{ header, field, rule string }{
		// names
		{"Наименование", name, RuleSynonym},
		{"НАИМЕНОВАНИЕ", name, RuleSynonym},
		{"Наименование клиента", name, RuleOwner},
		{"Наименование контрагента", name, RuleSynonym},
		{"Наименование покупателя", name, RuleOwner},
		{"Наименование заказчика", name, RuleOwner},
		{"Наим.", name, RuleAbbreviation},
		{"Наименов.", name, RuleAbbreviation},
		{"Контрагент", name, RuleSynonym},
		{"Контрагент.Наименование", name, RulePath},
		{"Покупатель.Наименование", name, RulePath},
		{"Клиент", name, RuleSynonym},
		{"ФИО", name, RuleSynonym},
		{"Ф.И.О.", name, RuleSynonym},
		{"ФИО клиента", name, RuleSynonym},
		{"ФИО контрагента", name, RuleOwner},
		{"Customer name", name, RuleSynonym},
		{"Client", name, RuleSynonym},
		{"Full name", name, RuleSynonym},
		{"Фамилия", last, RuleSynonym},
		{"Фамилия клиента", last, RuleOwner},
		{"Фам.", last, RuleAbbreviation},
		{"Surname", last, RuleSynonym},
		{"Last name", last, RuleSynonym},
		{"Имя", first, RuleSynonym},
		{"Имя клиента", first, RuleOwner},
		{"First name", first, RuleSynonym},
		{"Given name", first, RuleSynonym},
		{"Отчество", middle, RuleSynonym},
		{"Отч.", middle, RuleAbbreviation},
		{"Отчество клиента", middle, RuleOwner},
		{"Полное наименование", orgName, RuleSynonym},
		{"Контрагент.НаименованиеПолное", "", ""}, // CamelCase: FieldFor reads it, below
		{"Юридическое наименование", orgName, RuleSynonym},
		{"Организация", org, RuleSynonym},
		{"Место работы", org, RuleSynonym},
		{"Company", org, RuleSynonym},
		{"ОПФ", form, RuleSynonym},
		// tax numbers
		{"ИНН", inn, RuleSynonym},
		{"ИНН клиента", inn, RuleOwner},
		{"ИНН контрагента", inn, RuleSynonym},
		{"ИНН покупателя", inn, RuleOwner},
		{"ИНН заказчика", inn, RuleOwner},
		{"Контрагент.ИНН", inn, RulePath},
		{"Покупатель.ИНН", inn, RulePath},
		{"INN", inn, RuleSynonym},
		{"Tax ID", inn, RuleSynonym},
		{"КПП", kpp, RuleSynonym},
		{"КПП клиента", kpp, RuleOwner},
		{"Контрагент.КПП", kpp, RulePath},
		{"ОГРН", ogrn, RuleSynonym},
		{"ОГРНИП", ogrn, RuleSynonym},
		{"ОГРН контрагента", ogrn, RuleOwner},
		// phones
		{"Телефон", phone, RuleSynonym},
		{"Телефоны", phone, RuleSynonym},
		{"Тел.", phone, RuleSynonym},
		{"Тел./факс", phone, RuleSynonym},
		{"Телефон клиента", phone, RuleQualified},
		{"Телефон рабочий", phone, RuleQualified},
		{"Телефон мобильный", phone, RuleQualified},
		{"Тел. моб.", phone, RuleQualified},
		{"Моб. тел.", phone, RuleAbbreviation},
		{"Мобильный", phone, RuleSynonym},
		{"Мобильный телефон", phone, RuleSynonym},
		{"Сотовый", phone, RuleSynonym},
		{"Контактный телефон", phone, RuleSynonym},
		{"Номер телефона", phone, RuleSynonym},
		{"Контрагент.Телефон", phone, RulePath},
		{"Факс", phone, RuleSynonym},
		{"Phone", phone, RuleSynonym},
		{"Mobile", phone, RuleSynonym},
		{"Phone number", phone, RuleSynonym},
		// e-mail
		{"E-mail", email, RuleSynonym},
		{"Email", email, RuleSynonym},
		{"e-mail клиента", email, RuleQualified},
		{"Эл. почта", email, RuleSynonym},
		{"Электронная почта", email, RuleSynonym},
		{"Адрес электронной почты", email, RuleSynonym},
		{"Почта", email, RuleSynonym},
		{"Контрагент.EMail", email, RulePath},
		{"Mail", email, RuleSynonym},
		// addresses
		{"Адрес", addr, RuleSynonym},
		{"Юридический адрес", addr, RuleSynonym},
		{"Фактический адрес", addr, RuleSynonym},
		{"Адрес доставки", addr, RuleSynonym},
		{"Адрес клиента", addr, RuleQualified},
		{"Адр.", addr, RuleAbbreviation},
		{"Контрагент.Адрес", addr, RulePath},
		{"Address", addr, RuleSynonym},
		{"Город", city, RuleSynonym},
		{"Город клиента", city, RuleOwner},
		{"Населённый пункт", city, RuleSynonym},
		{"Нас. пункт", city, RuleAbbreviation},
		{"City", city, RuleSynonym},
		// dates
		{"Дата рождения", birth, RuleSynonym},
		{"Дата рождения клиента", birth, RuleOwner},
		{"Дата рожд.", birth, RuleAbbreviation},
		{"Дата рожд", birth, RuleAbbreviation},
		{"Date of birth", birth, RuleSynonym},
		{"Birthday", birth, RuleSynonym},
		// money
		{"Выручка", rev, RuleSynonym},
		{"Выручка, руб.", rev, RuleUnit},
		{"Выручка (руб.)", rev, RuleUnit},
		{"Выручка, тыс. руб.", rev, RuleUnit},
		{"Выручка с НДС, руб.", rev, RuleUnit},
		{"Сумма продаж, руб", rev, RuleUnit},
		{"Сумма продаж", rev, RuleSynonym},
		{"Сумма покупок, ₽", rev, RuleSynonym}, // the sign folds away
		{"Оборот, руб.", rev, RuleUnit},
		{"Revenue, USD", rev, RuleUnit},
		{"Sales", rev, RuleSynonym},
		// identity and the rest
		{"Код", id, RuleSynonym},
		{"Код клиента", id, RuleOwner},
		{"Код контрагента", id, RuleSynonym},
		{"Контрагент.Код", id, RulePath},
		{"ID", id, RuleSynonym},
		{"GUID", id, RuleSynonym},
		{"Customer ID", id, RuleSynonym},
		{"Комментарий", comment, RuleSynonym},
		{"Примечание", comment, RuleSynonym},
		{"Комментарий менеджера", comment, RuleQualified},
		{"Контактное лицо", contact, RuleSynonym},
		{"Контактное лицо клиента", contact, RuleOwner},
		{"Вид контрагента", kind, RuleSynonym},
		{"Юр./физ. лицо", kind, RuleSynonym},
		// not customers' fields: left unmapped, never guessed
		{"Наименование товара", "", ""},
		{"Сумма", "", ""},
		{"Дата", "", ""},
		{"Количество", "", ""},
		{"Менеджер", "", ""},
		{"Ком.", "", ""},
		{"№", "", ""},
	} {
		field, _, rule := fieldFor(tt.header, nil)
		if field != tt.field || rule != tt.rule {
			t.Errorf("%q: field %q by %q, want %q by %q", tt.header, field, rule, tt.field, tt.rule)
		}
	}
	// 1C property names in CamelCase, through FieldFor.
	for h, want := range map[string]string{"НаименованиеПолное": orgName, "ДатаРождения": birth, "ЮридическийАдрес": addr} {
		if f, _ := FieldFor(h, nil); f != want {
			t.Errorf("FieldFor(%q) = %q, want %q", h, f, want)
		}
	}
	// The user's mapping wins, and says so.
	if f, _, rule := fieldFor("Наименование клиента", map[string]string{"наименование клиента": Skip}); f != Skip || rule != RuleMap {
		t.Errorf("a mapped header: %q by %q", f, rule)
	}
}
