package onec

import (
	"encoding/xml"
	"strings"

	"github.com/crmkit/crmkit"
)

// decodeCommerceML reads a CommerceML 2 Контрагент: the catalogue's or a
// document's buyer, with its addresses, contacts, representatives and bank
// accounts.
func (r *Reader) decodeCommerceML(dec *xml.Decoder, t xml.StartElement) (object, error) {
	n, err := decodeNode(dec, t)
	if err != nil {
		return object{}, err
	}
	id := n.text("Ид")
	o := object{key: id, deleted: truthy(n.text("ПометкаУдаления"))}
	for _, rep := range n.path("Представители").all("Представитель") {
		if p := representative(rep); p.text("Наименование") == "" {
			what := "a representative"
			if rel := p.text("Отношение"); rel != "" {
				what += " (" + rel + ")"
			}
			o.unrecorded = append(o.unrecorded, what+" without a name: not recorded")
		}
	}
	o.records = func(row int) []crmkit.Record {
		b := r.newRecord(id, row, crmkit.KindUnknown)
		name := n.text("Наименование")
		if name == "" {
			name = n.text("ПолноеНаименование")
		}
		b.set(crmkit.FieldName, name)
		if n.text("Фамилия") != "" || n.text("Имя") != "" {
			b.set(crmkit.FieldLastName, n.text("Фамилия"))
			b.set(crmkit.FieldFirstName, n.text("Имя"))
			b.set(crmkit.FieldMiddleName, n.text("Отчество"))
		} else {
			b.set(crmkit.FieldOrgName, n.text("ОфициальноеНаименование"))
		}
		b.set(crmkit.FieldINN, n.text("ИНН"))
		b.set(crmkit.FieldKPP, n.text("КПП"))
		b.extra("ОКПО", n.text("КодПоОКПО"))
		b.extra("Роль", n.text("Роль"))
		for _, el := range []string{"ЮридическийАдрес", "АдресРегистрации", "Адрес"} {
			a := n.child(el)
			if a == nil {
				continue
			}
			b.set(crmkit.FieldAddress, a.text("Представление"))
			for _, f := range a.all("АдресноеПоле") {
				switch strings.ToLower(f.text("Тип")) {
				case "город", "населенный пункт", "населённый пункт":
					b.set(crmkit.FieldCity, f.text("Значение"))
				case "почтовый индекс":
					b.extra("Почтовый индекс", f.text("Значение"))
				}
			}
		}
		for _, c := range n.path("Контакты").all("Контакт") {
			b.contact(c.text("Тип"), c.text("Значение"))
		}
		for _, acc := range n.path("РасчетныеСчета").all("РасчетныйСчет") {
			v := acc.text("НомерСчета")
			if bik := acc.path("Банк").text("БИК"); bik != "" {
				v += " (БИК " + bik + ")"
			}
			b.extra("bank_accounts", v)
		}
		out := []crmkit.Record{b.done()}
		for _, rep := range n.path("Представители").all("Представитель") {
			p := representative(rep)
			pname := p.text("Наименование")
			if pname == "" {
				continue
			}
			key := p.text("Ид")
			if key == "" {
				key = id + "/" + pname
			}
			c := r.newRecord(key, row, crmkit.KindContactPerson)
			c.set(crmkit.FieldName, pname)
			c.set(crmkit.FieldOrg, name)
			c.owner(id)
			c.extra("Отношение", p.text("Отношение"))
			out = append(out, c.done())
		}
		return out
	}
	return o, nil
}

// representative is a Представитель's own element: some files wrap each
// in a Контрагент.
func representative(rep *node) *node {
	if inner := rep.child("Контрагент"); inner != nil {
		return inner
	}
	return rep
}
