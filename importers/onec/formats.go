package onec

import (
	"encoding/xml"
	"strings"

	"github.com/crmkit/crmkit"
)

// EnterpriseData: Справочник.Контрагенты with КлючевыеСвойства and
// КонтактнаяИнформация rows.
func (r *Reader) decodeEDCounterparty(dec *xml.Decoder, t xml.StartElement) (object, error) {
	n, err := decodeNode(dec, t)
	if err != nil {
		return object{}, err
	}
	keys := n.child("КлючевыеСвойства")
	if keys == nil {
		keys = n
	}
	id := keys.text("Ссылка")
	o := object{key: id, deleted: truthy(n.text("ПометкаУдаления"))}
	o.records = func(row int) []crmkit.Record {
		b := r.newRecord(id, row, crmkit.KindUnknown)
		b.set(crmkit.FieldName, keys.text("Наименование"))
		b.set(crmkit.FieldOrgName, keys.text("НаименованиеПолное"))
		b.set(crmkit.FieldINN, keys.text("ИНН"))
		b.set(crmkit.FieldKPP, keys.text("КПП"))
		b.set(crmkit.FieldKind, legalOrNatural(keys.text("ЮридическоеФизическоеЛицо")))
		for _, row := range n.path("КонтактнаяИнформация").all("Строка") {
			b.contact(row.text("ВидКонтактнойИнформации"), contactValue(row.child("ЗначенияПолей")))
		}
		return []crmkit.Record{b.done()}
	}
	return o, nil
}

// EnterpriseData contact persons reference their owner's Ссылка.
func (r *Reader) decodeEDContact(dec *xml.Decoder, t xml.StartElement) (object, error) {
	n, err := decodeNode(dec, t)
	if err != nil {
		return object{}, err
	}
	keys := n.child("КлючевыеСвойства")
	if keys == nil {
		keys = n
	}
	id := keys.text("Ссылка")
	owner := ""
	for _, c := range n.Children {
		if strings.Contains(c.XMLName.Local, "Владел") || strings.Contains(c.XMLName.Local, "Контрагент") || strings.Contains(c.XMLName.Local, "Партнер") {
			if ref := c.find("Ссылка"); ref != nil {
				owner = ref.value()
				break
			}
		}
	}
	o := object{key: id}
	o.records = func(row int) []crmkit.Record {
		b := r.newRecord(id, row, crmkit.KindContactPerson)
		b.set(crmkit.FieldName, keys.text("Наименование"))
		b.owner(owner)
		for _, row := range n.path("КонтактнаяИнформация").all("Строка") {
			b.contact(row.text("ВидКонтактнойИнформации"), contactValue(row.child("ЗначенияПолей")))
		}
		return []crmkit.Record{b.done()}
	}
	return o, nil
}

func legalOrNatural(v string) string {
	switch strings.ToLower(v) {
	case "юридическоелицо", "юрлицо":
		return "юр"
	case "физическоелицо", "физлицо":
		return "физ"
	}
	return ""
}

// decodeDump reads the generic data dump's CatalogObject.Контрагенты (or
// contact persons): Ref, DeletionMark, Code, Description, the
// configuration's attributes by Russian name and the КонтактнаяИнформация
// tabular section.
func (r *Reader) decodeDump(dec *xml.Decoder, t xml.StartElement, kind crmkit.Kind) (object, error) {
	n, err := decodeNode(dec, t)
	if err != nil {
		return object{}, err
	}
	id := n.text("Ref")
	o := object{key: id, deleted: truthy(n.text("DeletionMark"))}
	o.records = func(row int) []crmkit.Record {
		b := r.newRecord(id, row, kind)
		b.set(crmkit.FieldName, n.text("Description"))
		b.extra("Код", n.text("Code"))
		for i := range n.Children {
			c := &n.Children[i]
			switch name := c.XMLName.Local; name {
			case "Ref", "DeletionMark", "Code", "Description", "IsFolder", "Parent", "PredefinedDataName":
			case "Owner", "Владелец", "ОбъектВладелец":
				b.owner(c.value())
			case "ЮрФизЛицо", "ЮридическоеФизическоеЛицо":
				b.set(crmkit.FieldKind, legalOrNatural(c.value()))
			case "КонтактнаяИнформация":
				for _, line := range c.Children {
					typ := line.text("Тип") // Вид is the configuration's own name for it, or a GUID
					if typ == "" {
						typ = line.text("Вид")
					}
					b.contact(typ, line.text("Представление"))
				}
			default:
				if len(c.Children) == 0 {
					b.property(name, c.value())
				}
			}
		}
		return []crmkit.Record{b.done()}
	}
	return o, nil
}

// decodeExchange reads a "Конвертация данных" Объект of type
// СправочникСсылка.Контрагенты (or contact persons) whose Свойство elements
// carry the values; the GUID is the {УникальныйИдентификатор} property of
// its Ссылка.
func (r *Reader) decodeExchange(dec *xml.Decoder, t xml.StartElement, kind crmkit.Kind) (object, error) {
	n, err := decodeNode(dec, t)
	if err != nil {
		return object{}, err
	}
	props, order := exchangeProps(n)
	id := props["{УникальныйИдентификатор}"].text("Значение")
	o := object{key: id, deleted: truthy(props["ПометкаУдаления"].text("Значение"))}
	o.records = func(row int) []crmkit.Record {
		return []crmkit.Record{r.exchangeRecord(props, order, id, kind, row)}
	}
	return o, nil
}

// exchangeProps indexes the Свойство elements of an Объект, those of its
// Ссылка first, by Имя (a later one of the same name wins), keeping their
// order.
func exchangeProps(n *node) (map[string]*node, []string) {
	props := map[string]*node{}
	var order []string
	for _, group := range []*node{n.child("Ссылка"), n} {
		for _, p := range group.all("Свойство") {
			name := p.attr("Имя")
			if _, seen := props[name]; !seen {
				order = append(order, name)
			}
			props[name] = p
		}
	}
	return props, order
}

// exchangeRecord builds the record of an Объект, or of a reference a
// document makes, from its properties.
func (r *Reader) exchangeRecord(props map[string]*node, order []string, id string, kind crmkit.Kind, row int) crmkit.Record {
	b := r.newRecord(id, row, kind)
	for _, name := range order {
		p := props[name]
		switch name {
		case "{УникальныйИдентификатор}", "ПометкаУдаления", "ЭтоГруппа", "Родитель":
		case "Владелец":
			if ref := p.child("Ссылка"); ref != nil {
				owner, _ := exchangeProps(ref)
				b.owner(owner["{УникальныйИдентификатор}"].text("Значение"))
				b.set(crmkit.FieldOrg, owner["Наименование"].text("Значение"))
			}
			b.owner(p.find("Значение").value())
		case "ЮрФизЛицо", "ЮридическоеФизическоеЛицо":
			b.set(crmkit.FieldKind, legalOrNatural(p.text("Значение")))
		case "ЮрАдрес", "ФактАдрес", "ПочтовыйАдрес":
			b.set(crmkit.FieldAddress, p.text("Значение"))
		default:
			if _, isRef := exchangeRefTypes[p.attr("Тип")]; isRef {
				continue // a reference of its own, read as such
			}
			b.property(name, p.text("Значение"))
		}
	}
	return b.done()
}
