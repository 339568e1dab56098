package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
)

// Legacy makes a fresh store with the engine's migrations up to version
// upTo, runs the statements in it as an earlier crmkit would have written
// its rows, and returns an opener of that store for this crmkit.
type Legacy func(t *testing.T, upTo int, statements []string) Opener

// legacyV4 is a store the release before records (schema version 4) wrote:
// an organisation seen in two sources with one alias, and its contact
// person.
var legacyV4 = []string{
	`INSERT INTO runs (started_at, finished_at, command, files, records, cards_created)
		VALUES ('2026-10-01T10:00:00Z', '2026-10-01T10:00:05Z', 'crmkit import crm.csv clients.xlsx', '[]', 3, 3)`,
	`INSERT INTO cards (personal_id, kind, name, org_name, legal_form, inn, kpp, city, created_run, updated_run, org_id, revenue) VALUES
		('01900000-0000-7000-8000-000000000001', 'organization', 'ООО «Альфа»', 'Альфа', 'ООО', '7707083893', '770701001', 'Москва', 1, 1, '', '150'),
		('01900000-0000-7000-8000-000000000002', 'contact_person', 'Иванов Иван Иванович', '', '', '', '', '', 1, 1, '01900000-0000-7000-8000-000000000001', '')`,
	`UPDATE cards SET last_name = 'Иванов', first_name = 'Иван', middle_name = 'Иванович' WHERE personal_id = '01900000-0000-7000-8000-000000000002'`,
	`INSERT INTO contact_points (personal_id, type, value, extension, source, run_id) VALUES
		('01900000-0000-7000-8000-000000000001', 'phone', '+74950000001', '', 'crm', 1),
		('01900000-0000-7000-8000-000000000001', 'email', 'info@alfa.example', '', '1c', 1),
		('01900000-0000-7000-8000-000000000002', 'phone', '+79161234567', '12', 'crm', 1)`,
	`INSERT INTO match_keys (key, personal_id) VALUES ('inn:7707083893', '01900000-0000-7000-8000-000000000001'),
		('phone:+74950000001', '01900000-0000-7000-8000-000000000001'), ('phone:+79161234567', '01900000-0000-7000-8000-000000000002')`,
	`INSERT INTO links (source, source_key, personal_id, file, row_num, first_run, last_run) VALUES
		('crm', 'c1', '01900000-0000-7000-8000-000000000001', 'crm.csv', 2, 1, 1),
		('1c', '000001', '01900000-0000-7000-8000-000000000001', 'clients.xlsx', 5, 1, 1),
		('crm', 'c2', '01900000-0000-7000-8000-000000000002', 'crm.csv', 3, 1, 1)`,
	`INSERT INTO aliases (alias_id, personal_id, run_id) VALUES ('01900000-0000-7000-8000-000000000003', '01900000-0000-7000-8000-000000000001', 1)`,
	`INSERT INTO decisions (a_source, a_key, b_source, b_key, same, run_id) VALUES ('1c', '000001', 'crm', 'c2', 0, 1)`,
}

// Migration opens a store the previous release wrote: its customers,
// cards and contacts come through the migration unchanged, and the next
// imports keep their personal IDs.
func Migration(t *testing.T, legacy Legacy) {
	s := legacy(t, 4, legacyV4)(t, time.Second)
	const alfa, ivanov = "01900000-0000-7000-8000-000000000001", "01900000-0000-7000-8000-000000000002"
	links := collect(t, s.Links(context.Background()))
	wantLinks := []crmkit.Link{
		{PersonalID: ivanov, Source: "crm", SourceKey: "c2", File: "crm.csv", Row: 3},
		{PersonalID: alfa, Source: "1c", SourceKey: "000001", File: "clients.xlsx", Row: 5},
		{PersonalID: alfa, Source: "crm", SourceKey: "c1", File: "crm.csv", Row: 2},
	}
	byKey := func(a, b crmkit.Link) int { return strings.Compare(a.Source+"/"+a.SourceKey, b.Source+"/"+b.SourceKey) }
	slices.SortFunc(links, byKey)
	slices.SortFunc(wantLinks, byKey)
	if !slices.Equal(links, wantLinks) {
		t.Errorf("links after migration:\n%v\nwant\n%v", links, wantLinks)
	}
	cards := map[string]crmkit.Card{}
	for _, c := range collect(t, s.Cards(context.Background())) {
		cards[c.PersonalID] = c
	}
	a, p := cards[alfa], cards[ivanov]
	if len(cards) != 2 || a.Name != "ООО «Альфа»" || a.INN != "7707083893" || a.KPP != "770701001" || a.Revenue != "150" ||
		!slices.Equal(a.PhoneList(), []string{"+74950000001"}) || !slices.Equal(a.EmailList(), []string{"info@alfa.example"}) {
		t.Errorf("the organisation's card after migration: %+v", a)
	}
	if p.Kind != crmkit.KindContactPerson || p.LastName != "Иванов" || p.MiddleName != "Иванович" || p.OrgID != alfa ||
		!slices.Equal(p.PhoneList(), []string{"+79161234567 доб. 12"}) {
		t.Errorf("the contact person's card after migration: %+v", p)
	}

	// The next nightly import reads the organisation's rows again, and a
	// new row of it: one customer, under its old ID.
	c1 := clean("crm", "c1", 2, "name=ООО «Альфа»", "inn=7707083893", "phone=+74950000001")
	c9 := clean("crm", "c9", 9, "name=Альфа ООО", "inn=7707083893", "email=sales@alfa.example")
	plan, _ := importRecords(t, s, []crmkit.Record{c1, c9}, nil)
	ids := linksOf(t, s)
	for _, k := range []string{"c1", "c9"} {
		if id := ids[crmkit.SourceKey{Source: "crm", Key: k}]; id != alfa {
			t.Errorf("crm/%s after the next import: %s, want the old ID %s", k, id, alfa)
		}
	}
	if ids[crmkit.SourceKey{Source: "1c", Key: "000001"}] != alfa || ids[crmkit.SourceKey{Source: "crm", Key: "c2"}] != ivanov {
		t.Errorf("records not read again moved: %v", ids)
	}
	if len(plan.Aliases) != 0 {
		t.Errorf("the next import merged %v", plan.Aliases)
	}
	before := dump(t, s)
	importRecords(t, s, []crmkit.Record{c1, c9}, nil)
	if after := dump(t, s); after != before {
		t.Errorf("the same import again changed the migrated store:\n%s", diffLines(before, after))
	}
}

// KeysReindexed opens a store whose record keys an older rule made (here:
// none at all, under keys version 1): every record's keys are written
// anew, so a new record finds the stored one it shares an INN with.
func KeysReindexed(t *testing.T, legacy Legacy) {
	const alfa = "01900000-0000-7000-8000-000000000001"
	s := legacy(t, 1<<30, []string{
		"CREATE TABLE IF NOT EXISTS store_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
		"INSERT INTO store_state (name, value) VALUES ('keys_version', '1')",
		`INSERT INTO runs (started_at, finished_at, command, files, records, cards_created)
			VALUES ('2026-10-01T10:00:00Z', '2026-10-01T10:00:05Z', 'crmkit import crm.csv', '[]', 1, 1)`,
		`INSERT INTO records (source, source_key, personal_id, first_id, component, file, row_num, data, run_id, ord, first_run)
			VALUES ('crm', 'c1', '` + alfa + `', '` + alfa + `', '` + alfa + `', 'crm.csv', 2,
			'{"kind":"organization","fields":{"name":"ООО «Альфа»","inn":"7707083893"},"match_keys":["inn:7707083893"],"name_key":"альфа"}', 1, 1, 1)`,
	})(t, time.Second)
	c9 := clean("1c", "000009", 9, "name=Альфа ООО", "inn=7707083893", "email=sales@alfa.example")
	importRecords(t, s, []crmkit.Record{c9}, nil)
	ids := linksOf(t, s)
	if id := ids[crmkit.SourceKey{Source: "1c", Key: "000009"}]; id != alfa {
		t.Errorf("a new record of the stored organisation's INN got %s, want %s: the stored record's keys were not written anew", id, alfa)
	}
}
