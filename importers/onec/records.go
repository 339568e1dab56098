package onec

import (
	"encoding/xml"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
)

// builder collects the fields of one record.
type builder struct {
	rec crmkit.Record
	opt Options
}

func (r *Reader) newRecord(key string, row int, kind crmkit.Kind) *builder {
	return &builder{opt: r.opt, rec: crmkit.Record{Key: key, Row: row, Kind: kind, Fields: map[string]string{}}}
}

// set puts a value into a canonical field; the first value wins, phones
// and e-mails collect.
func (b *builder) set(field, v string) {
	v = strings.TrimSpace(v)
	if v == "" || field == "" || field == importers.Skip {
		return
	}
	switch {
	case b.rec.Fields[field] == "":
		b.rec.Fields[field] = v
	case field == crmkit.FieldPhone || field == crmkit.FieldEmail:
		b.rec.Fields[field] += "; " + v
	}
}

// owner names the organisation a contact person belongs to, by its key in
// the same source; the first owner named wins.
func (b *builder) owner(key string) {
	if key = strings.TrimSpace(key); key != "" && b.rec.OrgSourceKey == "" {
		b.rec.OrgSourceKey = key
	}
}

func (b *builder) extra(k, v string) {
	if v = strings.TrimSpace(v); v == "" {
		return
	}
	if b.rec.Extra == nil {
		b.rec.Extra = map[string]string{}
	}
	if old := b.rec.Extra[k]; old != "" {
		v = old + "; " + v
	}
	b.rec.Extra[k] = v
}

// property maps a 1C attribute or property by its name, as spreadsheet
// headers are mapped.
func (b *builder) property(name, v string) {
	field, label := importers.FieldFor(name, b.opt.Map)
	switch {
	case field == crmkit.FieldPhone && label != "":
		b.set(field, label+": "+v)
	case field != "":
		b.set(field, v)
	default:
		b.extra(name, v)
	}
}

// contact files a contact of free-text type: «Телефон рабочий»,
// «ТелефонРабочий», «Электронная почта», «Почта», «Факс», addresses.
func (b *builder) contact(typ, v string) {
	if strings.TrimSpace(v) == "" {
		return
	}
	t := strings.ToLower(splitWords(typ))
	switch {
	case strings.Contains(t, "почт") && !strings.Contains(t, "адрес почт") || strings.Contains(t, "mail"):
		b.set(crmkit.FieldEmail, v)
	case strings.Contains(t, "факс"):
		b.set(crmkit.FieldPhone, "факс: "+v)
	case strings.Contains(t, "тел"):
		label := strings.TrimSpace(strings.NewReplacer("телефон", "", "тел.", "", "тел", "").Replace(t))
		if label != "" {
			v = label + ": " + v
		}
		b.set(crmkit.FieldPhone, v)
	case strings.Contains(t, "адрес"):
		b.set(crmkit.FieldAddress, v)
	default:
		b.extra(typ, v)
	}
}

// splitWords writes 1C's CamelCase names as words: "ТелефонРабочий" →
// "Телефон Рабочий".
func splitWords(s string) string {
	var out []rune
	var prev rune
	for _, r := range s {
		if r >= 'А' && r <= 'Я' && prev >= 'а' && prev <= 'я' {
			out = append(out, ' ')
		}
		out = append(out, r)
		prev = r
	}
	return string(out)
}

// contactValue reads an EnterpriseData contact value: nested XML or the
// same XML escaped into text; its Представление is what a person reads.
func contactValue(n *node) string {
	if n == nil {
		return ""
	}
	if len(n.Children) > 0 {
		if p := n.Children[0].attr("Представление"); p != "" {
			return p
		}
		return n.Children[0].value()
	}
	text := n.value()
	if strings.HasPrefix(text, "<") {
		var inner node
		if xml.Unmarshal([]byte(text), &inner) == nil {
			if p := inner.attr("Представление"); p != "" {
				return p
			}
		}
	}
	return text
}

func truthy(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s == "true" || s == "истина" || s == "1" || s == "да"
}

func (b *builder) done() crmkit.Record { return b.rec }
