package main

import "github.com/crmkit/crmkit"

// compact drops what no later stage reads — unmapped columns, the raw
// text of phones and the notes beside them, fields already turned into
// keys — because a run holds every record until clustering and the store
// keeps what is left. What is kept is copied into a map of its own size,
// and the values, the source key and the e-mails into one string:
// cleansing leaves a map grown for every column (a person's name parts
// grow it past one group), and a value taken as it was read is a piece of
// the row's whole text, which it would keep alive.
func compact(r crmkit.Record) crmkit.Record {
	r.Extra = nil
	for i := range r.Phones {
		r.Phones[i].Raw, r.Phones[i].Problem, r.Phones[i].Comment = "", "", ""
	}
	n, size := 0, len(r.Key)
	for k, v := range r.Fields {
		if !droppedField(k) {
			n, size = n+1, size+len(v)
		}
	}
	for _, e := range r.Emails {
		size += len(e)
	}
	buf := make([]byte, 0, size)
	type span struct {
		field      string
		start, end int
	}
	spans := make([]span, 0, n)
	for k, v := range r.Fields {
		if !droppedField(k) {
			spans = append(spans, span{k, len(buf), len(buf) + len(v)})
			buf = append(buf, v...)
		}
	}
	buf = append(buf, r.Key...)
	for _, e := range r.Emails {
		buf = append(buf, e...)
	}
	text := string(buf)
	if r.Fields != nil {
		r.Fields = make(map[string]string, n)
		for _, sp := range spans {
			r.Fields[sp.field] = text[sp.start:sp.end]
		}
	}
	at := size
	for i := len(r.Emails) - 1; i >= 0; i-- {
		at -= len(r.Emails[i])
		r.Emails[i] = text[at : at+len(r.Emails[i])]
	}
	r.Key = text[at-len(r.Key) : at]
	return r
}

// droppedField: a field no stage reads after cleansing (its content is in
// Phones, Emails, MatchKeys or the references), so a run does not keep it.
func droppedField(f string) bool {
	switch f {
	case crmkit.FieldPhone, crmkit.FieldEmail, crmkit.FieldComment, crmkit.FieldSourceID,
		crmkit.FieldKind, crmkit.FieldContactPerson, crmkit.FieldOrg, crmkit.FieldOGRN:
		return true
	}
	return false
}
