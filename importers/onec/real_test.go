package onec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/crmkit/crmkit"
)

func sharedSample(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "samples", "1c", name)
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs ../shared beside the clone: %v", err)
		}
		t.Skipf("shared samples not found: %v", err)
	}
	return path
}

func readRecords(t *testing.T, path string, opt Options) (Info, []crmkit.Record) {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer r.Close()
	var recs []crmkit.Record
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		if row.OK {
			recs = append(recs, row.Record)
		}
	}
	return r.Info(), recs
}

// The real CommerceML 2.09 catalogue written by 1C (UTF-8, with namespace).
func TestRealCommerceMLCatalogue(t *testing.T) {
	info, recs := readRecords(t, sharedSample(t, "commerceml-2.09-contractors.xml"), Options{Source: "site"})
	if info.Format != FormatCommerceML || info.Version != "2.09" || info.Counterparties != 4 || info.ContactPersons != 1 || len(recs) != 5 {
		t.Fatalf("info %+v, %d records", info, len(recs))
	}
	uyt := recs[2]
	if uyt.Key != "021e0e3f-e329-11db-95d9-505054503030" || uyt.Row != 3 || uyt.Fields["inn"] != "181620360057" ||
		uyt.Fields["org_name"] != `ТОО "ТД Уют"` || uyt.Fields["email"] != "Uyt@komp.kz" ||
		uyt.Fields["phone"] != "рабочий: +7 (3272) 25-39-39" || uyt.Extra["bank_accounts"] != "798321 (БИК 190701310)" ||
		uyt.Fields["address"] == "" || uyt.Source != "site" {
		t.Errorf("ТД Уют: %+v", uyt)
	}
	contact := recs[3]
	if contact.Kind != crmkit.KindContactPerson || contact.Fields["name"] != "Коновалов Александр Зиновьевич" ||
		contact.OrgSourceKey != uyt.Key || contact.Fields["org"] != "ТД Уют" {
		t.Errorf("contact person: %+v", contact)
	}
}

// The real CommerceML 2.03 orders file (windows-1251, no namespace): the
// buyer inside a document, its representative wrapped in a Контрагент.
func TestRealCommerceMLOrders(t *testing.T) {
	info, recs := readRecords(t, sharedSample(t, "commerceml-2.03-orders-cp1251.xml"), Options{Source: "site"})
	if info.Version != "2.03" || len(recs) != 2 {
		t.Fatalf("info %+v, %d records", info, len(recs))
	}
	buyer, rep := recs[0], recs[1]
	if buyer.Key != "1#admin#Петров Петр" || buyer.Fields["last_name"] != "Петров" || buyer.Fields["first_name"] != "Петр" || buyer.Row != 1 {
		t.Errorf("buyer %+v", buyer)
	}
	if rep.Kind != crmkit.KindContactPerson || rep.Key != "ab7399a8aa62c20e0e9f3ea53c6dac81" || rep.OrgSourceKey != buyer.Key {
		t.Errorf("representative %+v", rep)
	}
}
