package main

import "github.com/crmkit/crmkit"

// compact drops what no later stage reads — unmapped columns, the raw
// text of phones and the notes beside them, fields already turned into
// keys — because a run holds every record until clustering and the store
// keeps what is left. What is kept is copied into a map of its own size,
// and the values, the source key, the e-mails, the phone numbers, the match
// keys and the name keys into one string: cleansing leaves a map grown for every column
// (a person's name parts grow it past one group), a value taken as it was
// read is a piece of the row's whole text, which it would keep alive, and
// a dozen small strings of their own and a list of match keys grown by
// appending held a fifth more than their text.
func compact(r crmkit.Record) crmkit.Record {
	r.Extra = nil
	for i := range r.Phones {
		r.Phones[i].Raw, r.Phones[i].Problem, r.Phones[i].Comment = "", "", ""
	}
	if r.MatchKeys != nil { // a list of their own length, not the caller's
		keys := make([]string, len(r.MatchKeys))
		copy(keys, r.MatchKeys)
		r.MatchKeys = keys
	}
	// The strings that move into the text, after the fields' values.
	strs := []*string{&r.Key, &r.NameKey, &r.InitialsKey, &r.OrgKey, &r.OrgSourceKey}
	for i := range r.Emails {
		strs = append(strs, &r.Emails[i])
	}
	// A number written as E.164 in its cell is its own E.164: a piece of
	// the row (three in four rows of a base kept their whole text so).
	for i := range r.Phones {
		strs = append(strs, &r.Phones[i].E164, &r.Phones[i].Extension)
	}
	for i := range r.MatchKeys {
		strs = append(strs, &r.MatchKeys[i])
	}
	n, size := 0, 0
	for k, v := range r.Fields {
		if !droppedField(k) {
			n, size = n+1, size+len(v)
		}
	}
	for _, p := range strs {
		size += len(*p)
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
	at := len(buf)
	for _, p := range strs {
		buf = append(buf, *p...)
	}
	text := string(buf)
	if r.Fields != nil {
		r.Fields = make(map[string]string, n)
		for _, sp := range spans {
			r.Fields[sp.field] = text[sp.start:sp.end]
		}
	}
	for _, p := range strs {
		*p = text[at : at+len(*p)]
		at += len(*p)
	}
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
