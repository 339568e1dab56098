package main

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/crmkit/crmkit"
)

// compact moves what it keeps into new memory: every kept value must come
// out as it went in, and what no later stage reads must be gone.
func TestCompactKeepsWhatLaterStagesRead(t *testing.T) {
	row := "Иванов Иван Иванович;+79161234567;ivan@example.ru;Самара;00042;звонить вечером"
	cell := row[strings.Index(row, "+7") : strings.Index(row, "+7")+12] // read as it is: its own E.164
	in := crmkit.Record{
		Source: "crm", File: "a.xlsx", Row: 7, Key: row[len(row)-len("00042;звонить вечером") : len(row)-len(";звонить вечером")],
		Kind: crmkit.KindPerson,
		Fields: map[string]string{
			crmkit.FieldName: "Иванов Иван Иванович", crmkit.FieldLastName: "Иванов", crmkit.FieldFirstName: "Иван",
			crmkit.FieldMiddleName: "Иванович", crmkit.FieldCity: "Самара", crmkit.FieldPhone: "+79161234567",
			crmkit.FieldEmail: "ivan@example.ru", crmkit.FieldComment: "звонить вечером", crmkit.FieldSourceID: "00042",
			crmkit.FieldOrg: "ООО Ромашка", crmkit.FieldOGRN: "1027700132195", crmkit.FieldKind: "физлицо",
			crmkit.FieldContactPerson: "Пётр",
		},
		Extra:     map[string]string{"Менеджер": "Сидоров"},
		Phones:    []crmkit.Phone{{E164: cell, Extension: cell[2:5], Raw: cell, Type: "mobile", Label: "mobile", Comment: "Иван", Problem: "x"}},
		Emails:    []string{"ivan@example.ru", "second@example.ru"},
		MatchKeys: []string{"phone:+79161234567", "email:ivan@example.ru"},
		NameKey:   "иванов иван иванович", InitialsKey: "иванов и", OrgKey: "ромашка",
	}
	want := in
	want.Extra = nil
	want.Fields = map[string]string{}
	for k, v := range in.Fields {
		if !droppedField(k) {
			want.Fields[k] = v
		}
	}
	want.Phones = []crmkit.Phone{{E164: "+79161234567", Extension: "916", Type: "mobile", Label: "mobile"}}
	want.Emails = slices.Clone(in.Emails)

	got := compact(in)
	if !maps.Equal(got.Fields, want.Fields) {
		t.Errorf("fields %v, want %v", got.Fields, want.Fields)
	}
	if got.Key != "00042" || !slices.Equal(got.Emails, want.Emails) || !slices.Equal(got.Phones, want.Phones) {
		t.Errorf("key %q, e-mails %q, phones %+v; want %q, %q, %+v", got.Key, got.Emails, got.Phones, "00042", want.Emails, want.Phones)
	}
	if got.Extra != nil || got.Source != want.Source || got.Row != want.Row || got.Kind != want.Kind ||
		got.NameKey != want.NameKey || got.InitialsKey != want.InitialsKey || got.OrgKey != want.OrgKey ||
		!slices.Equal(got.MatchKeys, want.MatchKeys) {
		t.Errorf("compact(%+v) = %+v", in, got)
	}
	// Nothing kept may be a piece of the row's text: it would keep the
	// whole row alive.
	kept := []string{got.Key, got.Phones[0].E164, got.Phones[0].Extension}
	for _, v := range got.Fields {
		kept = append(kept, v)
	}
	for _, s := range kept {
		if within(s, row) {
			t.Errorf("%q is still a piece of the row it was read from", s)
		}
	}
	if cap(got.MatchKeys) != len(got.MatchKeys) {
		t.Errorf("match keys in a list of capacity %d for %d keys", cap(got.MatchKeys), len(got.MatchKeys))
	}
	if !slices.Equal(in.MatchKeys, want.MatchKeys) {
		t.Errorf("compact changed its argument's match keys: %q", in.MatchKeys)
	}
	if nothing := compact(crmkit.Record{Key: "k"}); nothing.Fields != nil || nothing.Key != "k" || nothing.MatchKeys != nil {
		t.Errorf("a record without fields: %+v", nothing)
	}
}

// within tells whether s is a piece of the memory of text.
func within(s, text string) bool {
	if s == "" {
		return false
	}
	p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(text)))
	return p >= start && p < start+uintptr(len(text))
}
