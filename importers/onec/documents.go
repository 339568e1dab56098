package onec

import (
	"encoding/xml"
	"strings"

	"github.com/crmkit/crmkit"
)

// Many exchanges carry no catalogue of counterparties: documents (sales,
// receipts, invoices, orders) name their counterparty with its key
// properties inline. Each such reference is read as a record of its own,
// keyed by its GUID; readXML folds it with the catalogue object of the same
// key, which wins.

// The names under which EnterpriseData and data-dump documents reference a
// counterparty or a contact person, at any depth (Договор/Контрагент
// included). Организация is the company's own organisation, not a customer.
var refKinds = map[string]crmkit.Kind{
	"Контрагент":       crmkit.KindUnknown,
	"Грузоотправитель": crmkit.KindUnknown,
	"Грузополучатель":  crmkit.KindUnknown,
	"Покупатель":       crmkit.KindUnknown,
	"Поставщик":        crmkit.KindUnknown,
	"Комитент":         crmkit.KindUnknown,
	"Комиссионер":      crmkit.KindUnknown,

	"КонтактноеЛицо":            crmkit.KindContactPerson,
	"КонтактноеЛицоКонтрагента": crmkit.KindContactPerson,
	"КонтактноеЛицоПартнера":    crmkit.KindContactPerson,
}

// In a "Конвертация данных" file a reference is typed: the Тип of its
// Свойство names the catalogue, whatever the property is called.
var exchangeRefTypes = map[string]crmkit.Kind{
	"СправочникСсылка.Контрагенты":                crmkit.KindUnknown,
	"СправочникСсылка.КонтактныеЛица":             crmkit.KindContactPerson,
	"СправочникСсылка.КонтактныеЛицаКонтрагентов": crmkit.KindContactPerson,
	"СправочникСсылка.КонтактныеЛицаПартнеров":    crmkit.KindContactPerson,
}

// The elements of a contact person reference that name its owner.
func isOwnerElement(name string) bool {
	switch name {
	case "ОбъектВладелец", "Владелец", "Owner", "Контрагент", "Партнер":
		return true
	}
	return false
}

// refDecoder is the decoder of a reference inside an EnterpriseData or
// data-dump document, nil for any other element.
func (r *Reader) refDecoder(t xml.StartElement) decodeFunc {
	kind, ok := refKinds[t.Name.Local]
	if !ok {
		return nil
	}
	return func(dec *xml.Decoder, t xml.StartElement) ([]object, error) {
		n, err := decodeNode(dec, t)
		if err != nil {
			return nil, err
		}
		return r.refObjects(n, kind), nil
	}
}

// refObjects reads one reference: the key properties EnterpriseData
// writes (Ссылка, Наименование, НаименованиеПолное, ИНН, КПП,
// ЮридическоеФизическоеЛицо, СтранаРегистрации, …), or the Ref and
// attributes of a data dump, or the bare GUID a dump usually writes. A
// contact person's owner, when the reference names one, becomes its
// OrgSourceKey and, if it carries properties, a counterparty of its own.
func (r *Reader) refObjects(n *node, kind crmkit.Kind) []object {
	if len(n.Children) == 0 {
		return r.valueRef(n.value(), kind)
	}
	key := n.text("Ссылка")
	if key == "" {
		key = n.text("Ref")
	}
	if isEmptyRef(key) {
		key = ""
	}
	b := r.newRecord("", 0, kind)
	var nested []object
	ownerName := ""
	for i := range n.Children {
		c := &n.Children[i]
		switch name := c.XMLName.Local; {
		case name == "Ссылка" || name == "Ref":
		case kind == crmkit.KindContactPerson && isOwnerElement(name):
			owner := ownerNode(c)
			if len(owner.Children) == 0 {
				b.owner(owner.value())
			} else {
				b.owner(firstText(owner, "Ссылка", "Ref"))
				ownerName = firstText(owner, "Наименование", "Description")
			}
			nested = append(nested, r.refObjects(owner, crmkit.KindUnknown)...)
		case name == "КонтактнаяИнформация":
			for _, row := range c.all("Строка") {
				b.contact(row.text("ВидКонтактнойИнформации"), contactValue(row.child("ЗначенияПолей")))
			}
			for _, row := range c.all("Row") {
				b.contact(firstText(row, "Тип", "Вид"), row.text("Представление"))
			}
		case len(c.Children) > 0: // a reference of its own, such as СтранаРегистрации: what a person reads of it
			b.extra(name, firstText(c, "Наименование", "Description", "Код", "Code"))
		case name == "Наименование" || name == "Description":
			b.set(crmkit.FieldName, c.value())
		case name == "НаименованиеПолное":
			b.set(crmkit.FieldOrgName, c.value())
		case name == "ИНН":
			b.set(crmkit.FieldINN, c.value())
		case name == "КПП":
			b.set(crmkit.FieldKPP, c.value())
		case name == "ЮридическоеФизическоеЛицо" || name == "ЮрФизЛицо":
			b.set(crmkit.FieldKind, legalOrNatural(c.value()))
		case name == "DeletionMark" || name == "ПометкаУдаления":
		default:
			b.property(name, c.value())
		}
	}
	b.set(crmkit.FieldOrg, ownerName)
	rec := b.done()
	if len(rec.Fields) == 0 && len(rec.Extra) == 0 && rec.OrgSourceKey == "" {
		if key == "" {
			return nested
		}
		return append([]object{{key: key, kind: kind, bare: true}}, nested...)
	}
	if key == "" {
		key = identityKey(rec)
	}
	rec.Key = key
	return append([]object{recorded(key, kind, rec)}, nested...)
}

// ownerNode is the element holding the owner's key: the owner element
// itself, or the reference it wraps (ОбъектВладелец/Контрагент).
func ownerNode(c *node) *node {
	if len(c.Children) == 0 || c.child("Ссылка") != nil || c.child("Ref") != nil {
		return c
	}
	return &c.Children[0]
}

// firstText is the first non-empty text among those children.
func firstText(n *node, names ...string) string {
	for _, name := range names {
		if v := n.text(name); v != "" {
			return v
		}
	}
	return ""
}

// valueRef reads a reference written as a value: the GUID a data dump
// writes, or a name typed where a counterparty goes (a composite-type
// attribute holding a string).
func (r *Reader) valueRef(v string, kind crmkit.Kind) []object {
	switch {
	case v == "" || isEmptyRef(v):
		return nil
	case isGUID(v):
		return []object{{key: v, kind: kind, bare: true}}
	}
	b := r.newRecord("", 0, kind)
	b.set(crmkit.FieldName, v)
	rec := b.done()
	rec.Key = identityKey(rec)
	return []object{recorded(rec.Key, kind, rec)}
}

// recorded is the object of one record read from a reference.
func recorded(key string, kind crmkit.Kind, rec crmkit.Record) object {
	return object{key: key, kind: kind, records: func(row int) []crmkit.Record {
		rec.Row = row
		return []crmkit.Record{rec}
	}}
}

// identityKey keys a reference that has no GUID by what identifies it, so
// that its repeats fold: the INN and KPP, else the name (within its owner
// for a contact person).
func identityKey(rec crmkit.Record) string {
	f := rec.Fields
	switch {
	case f[crmkit.FieldINN] != "":
		return "inn:" + f[crmkit.FieldINN] + "/" + f[crmkit.FieldKPP]
	case f[crmkit.FieldName] == "":
		return ""
	case rec.Kind == crmkit.KindContactPerson:
		return "contact:" + rec.OrgSourceKey + "/" + strings.ToLower(f[crmkit.FieldName])
	}
	return "name:" + strings.ToLower(f[crmkit.FieldName])
}

// decodeExchangeRef reads a Свойство of a "Конвертация данных" document
// typed as a counterparty (or contact person) reference: its Ссылка
// carries the search properties ({УникальныйИдентификатор}, Наименование,
// ИНН, …). A Ссылка with only an Нпп points at an object of the same file,
// which is read itself.
func (r *Reader) decodeExchangeRef(kind crmkit.Kind) decodeFunc {
	return func(dec *xml.Decoder, t xml.StartElement) ([]object, error) {
		n, err := decodeNode(dec, t)
		if err != nil {
			return nil, err
		}
		return r.exchangeRefObjects(n, kind), nil
	}
}

func (r *Reader) exchangeRefObjects(p *node, kind crmkit.Kind) []object {
	ref := p.child("Ссылка")
	if ref == nil { // <Пусто/>, or a plain Значение
		return r.valueRef(p.text("Значение"), kind)
	}
	props, order := exchangeProps(ref)
	var nested []object
	for _, name := range order {
		if k, ok := exchangeRefTypes[props[name].attr("Тип")]; ok && props[name].child("Ссылка") != nil {
			nested = append(nested, r.exchangeRefObjects(props[name], k)...)
		}
	}
	id := props["{УникальныйИдентификатор}"].text("Значение")
	if isEmptyRef(id) {
		id = ""
	}
	rec := r.exchangeRecord(props, order, id, kind, 0)
	if len(rec.Fields) == 0 && len(rec.Extra) == 0 && rec.OrgSourceKey == "" {
		if id == "" {
			return nested
		}
		return append([]object{{key: id, kind: kind, bare: true}}, nested...)
	}
	if id == "" {
		id = identityKey(rec)
		rec.Key = id
	}
	return append([]object{recorded(id, kind, rec)}, nested...)
}

// isGUID tells a 1C reference GUID: 8-4-4-4-12 hexadecimal digits.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// isEmptyRef tells the empty reference 1C writes for "not filled".
func isEmptyRef(s string) bool { return s == "00000000-0000-0000-0000-000000000000" }
