package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
)

// RawQuery reads every row of a query on a store's database without
// opening the store (which would migrate it): the column names, and each
// cell as the engine prints it, nil for NULL.
type RawQuery func(t *testing.T, q string) (cols []string, rows [][]*string)

// Personal IDs of the store schema 11 held (crmkit issues UUIDv7).
const (
	v11Org     = "01900000-0000-7000-8000-0000000000a1"
	v11Person  = "01900000-0000-7000-8000-0000000000b2"
	v11Alias   = "01900000-0000-7000-8000-0000000000c3"
	v11Forgone = "01900000-0000-7000-8000-0000000000d4"
)

// legacyV11 is what crmkit wrote at schema version 11: four runs (an
// import, a second import that the third undid, a forget), with times to
// the nanosecond, JSON as Go wrote it, revenue as text, flags as 0/1,
// "none" as an empty string or 0.
var legacyV11 = []string{
	"INSERT INTO store_state (name, value) VALUES ('keys_version', '" + strconv.Itoa(dedupe.KeysVersion) + "')",
	`INSERT INTO runs (started_at, finished_at, command, files, records, problems, duplicates, cards_created, cards_updated, cards_merged, links_created)
		VALUES ('2026-10-01T10:00:00.123456789Z', '2026-10-01T10:00:05.5Z', 'crmkit import crm.csv',
			'[{"path":"crm.csv","abs_path":"/data/crm.csv","sha256":"9f86d0","records":3}]', 3, 1, 1, 2, 0, 1, 3)`,
	`INSERT INTO runs (started_at, finished_at, command, files, records, cards_updated)
		VALUES ('2026-10-02T03:00:00Z', '2026-10-02T03:00:01.000001Z', 'crmkit import crm.csv', '[{"path":"crm.csv","sha256":"aa","records":3}]', 3, 1)`,
	`INSERT INTO runs (started_at, finished_at, command, files) VALUES ('2026-10-02T09:00:00Z', '2026-10-02T09:00:00.25Z', 'crmkit runs undo 2', '[]')`,
	"UPDATE runs SET undone_by = 3 WHERE id = 2",
	`INSERT INTO runs (started_at, finished_at, command, files, records) VALUES ('2026-10-03T12:00:00+03:00', '2026-10-03T09:00:01Z', 'crmkit forget crm/c9', '[]', 1)`,
	`INSERT INTO records (source, source_key, personal_id, first_id, component, file, row_num, data, run_id, ord, first_run) VALUES
		('crm', 'c1', '` + v11Org + `', '` + v11Org + `', '` + v11Org + `', 'crm.csv', 2,
			'{"kind":"organization","fields":{"name":"ООО «Альфа»","inn":"7707083893","revenue":"1500.5"},"phones":[{"e164":"+74950000001","ext":"12"}],"emails":["info@alfa.example"],"match_keys":["inn:7707083893","phone:+74950000001"],"name_key":"альфа"}',
			1, 1, 1),
		('crm', 'c2', '` + v11Org + `', '` + v11Alias + `', '` + v11Org + `', 'crm.csv', 3,
			'{"kind":"organization","fields":{"name":"Альфа ООО","inn":"7707083893","revenue":"-0.25"},"match_keys":["inn:7707083893"]}',
			1, 2, 1),
		('crm', 'c3', '` + v11Person + `', '` + v11Person + `', '` + v11Org + `', 'crm.csv', 4,
			'{"kind":"person","fields":{"last_name":"Иванов","first_name":"Иван","birth_date":"1980-02-29"},"org_key":"альфа","initials_key":"иванов и"}',
			1, 3, 1)`,
	`INSERT INTO record_keys (key, seq) SELECT 'inn:7707083893', seq FROM records WHERE source_key IN ('c1', 'c2')`,
	`INSERT INTO record_keys (key, seq) SELECT 'name:иванов иван', seq FROM records WHERE source_key = 'c3'`,
	// Run 2 changed c1 (its version before) and added c4 (an addition:
	// the version's other columns are empty); the undo took both back.
	`INSERT INTO record_versions (run_id, seq, existed, source, source_key, personal_id, first_id, component, file, row_num, data, data_run, ord, first_run)
		SELECT 2, seq, 1, source, source_key, personal_id, first_id, component, file, row_num, data, run_id, ord, first_run FROM records WHERE source_key = 'c1'`,
	"INSERT INTO record_versions (run_id, seq, existed) VALUES (2, 99, 0)",
	`INSERT INTO cards (personal_id, kind, name, org_name, legal_form, inn, org_id, revenue, abc_class) VALUES
		('` + v11Org + `', 'organization', 'ООО «Альфа»', 'Альфа', 'ООО', '7707083893', '', '1500.25', 'A'),
		('` + v11Person + `', 'person', 'Иванов Иван', '', '', '', '` + v11Org + `', '', '')`,
	`INSERT INTO contact_points (personal_id, ord, type, value, extension, source) VALUES
		('` + v11Org + `', 1, 'phone', '+74950000001', '12', 'crm'), ('` + v11Org + `', 2, 'email', 'info@alfa.example', '', 'crm')`,
	"INSERT INTO aliases (alias_id, personal_id, run_id) VALUES ('" + v11Alias + "', '" + v11Org + "', 1)",
	`INSERT INTO alias_versions (run_id, alias_id, existed, personal_id, alias_run) VALUES
		(1, '` + v11Alias + `', 0, '', 0), (2, '` + v11Alias + `', 1, '` + v11Org + `', 1)`,
	`INSERT INTO decisions (a_source, a_key, b_source, b_key, same, run_id) VALUES
		('crm', 'c1', 'crm', 'c2', 1, 1), ('crm', 'c1', 'crm', 'c3', 0, 1)`,
	`INSERT INTO decision_versions (run_id, a_source, a_key, b_source, b_key, existed, same, decision_run) VALUES
		(1, 'crm', 'c1', 'crm', 'c2', 0, 0, 0), (2, 'crm', 'c1', 'crm', 'c3', 1, 0, 1)`,
	`INSERT INTO review_pairs (run_id, score, explanation, a, b) VALUES (1, 4.25, 'ИНН equal +8.0; name 0.93 +3.1',
		'{"source":"crm","key":"c1","name":"ООО «Альфа»","phones":["+74950000001"]}', '{"source":"crm","key":"c3","name":"Иванов Иван"}')`,
	`INSERT INTO problems (run_id, file, row_num, field, code, severity, message) VALUES (1, 'crm.csv', 4, 'phone', 'phone.invalid', 'error', '"+7 (4**) ***-**-**" is not a phone')`,
	`INSERT INTO sightings (file, row_num, source, source_key, run_id) VALUES ('crm.csv', 2, 'crm', 'c1', 1), ('crm.csv', 3, 'crm', 'c2', 1), ('crm.csv', 4, 'crm', 'c3', 1)`,
	`INSERT INTO match_model (id, params, records, run_id) VALUES (1,
		'{"lambda":0.0001898946162113177,"m":{"inn":[0.9991836422686924,0.000816357731307592],"city":[0.9881556377293107,0.003948120756896437,0.007896241513792875]},"u":{"inn":[1e-05,0.99999],"city":[0.05,0.01,0.94]},"u_random":{"inn":[1e-05,0.99999]},"tf":{"phone":{"+74950000001":0.0025}}}', 1200, 1)`,
	`INSERT INTO tombstones (source, source_key, personal_id, run_id, forgotten_at, reason)
		VALUES ('crm', 'c9', '` + v11Forgone + `', 4, '2026-10-03T09:00:00.999999999Z', 'request no. 17')`,
}

// The columns whose representation 0012 changes, by what they hold.
var (
	timeColumns  = []string{"started_at", "finished_at", "forgotten_at", "applied_at"}
	jsonColumns  = []string{"files", "data", "a", "b", "params"}
	flagColumns  = []string{"existed", "same"}
	noneIsZero   = []string{"undone_by"} // 0 was "not undone"
	moneyColumns = []string{"revenue"}
)

// canonical is a cell as the Go side holds it, whichever representation
// the store keeps: a time in UTC to the microsecond, JSON decoded, an
// amount without trailing zeros, a flag as 0/1, NULL as empty.
func canonical(t *testing.T, table, col string, cell *string) string {
	if cell == nil {
		return ""
	}
	v := *cell
	switch {
	case v == "":
		return ""
	case slices.Contains(timeColumns, col):
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07", "2006-01-02 15:04:05.999999999Z07:00"} {
			if tm, err := time.Parse(layout, v); err == nil {
				return tm.UTC().Round(time.Microsecond).Format(time.RFC3339Nano)
			}
		}
		t.Errorf("%s.%s: %q is not a time", table, col, v)
	case slices.Contains(jsonColumns, col):
		var doc any
		if err := json.Unmarshal([]byte(v), &doc); err != nil {
			t.Errorf("%s.%s: %q is not JSON: %v", table, col, v, err)
			return v
		}
		b, _ := json.Marshal(doc) // maps come out with sorted keys
		return string(b)
	case slices.Contains(flagColumns, col):
		switch v {
		case "1", "t", "true":
			return "1"
		case "0", "f", "false":
			return "0"
		}
		t.Errorf("%s.%s: %q is not a flag", table, col, v)
	case slices.Contains(noneIsZero, col) && v == "0":
		return ""
	case slices.Contains(moneyColumns, col) && strings.Contains(v, "."):
		return strings.TrimSuffix(strings.TrimRight(v, "0"), ".")
	}
	return v
}

// rawDump is every row of every table and view, canonical, table by table.
func rawDump(t *testing.T, raw RawQuery) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range []string{"runs", "cards", "contact_points", "aliases", "alias_versions", "records", "record_keys",
		"record_versions", "decisions", "decision_versions", "review_pairs", "problems", "sightings", "match_model",
		"tombstones", "store_state", "schema_migrations", "customers", "customer_sources"} {
		cols, rows := raw(t, "SELECT * FROM "+table)
		lines := []string{strings.Join(cols, "|")}
		for _, r := range rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = canonical(t, table, cols[i], c)
			}
			lines = append(lines, strings.Join(cells, "|"))
		}
		slices.Sort(lines[1:])
		out[table] = lines
	}
	return out
}

// onlyColumns is a table's dump with only the columns of header: a column
// a later migration added must be empty (NULL) in every row it kept.
func onlyColumns(t *testing.T, table string, lines []string, header string) []string {
	t.Helper()
	if len(lines) == 0 || lines[0] == header {
		return lines
	}
	cols := strings.Split(lines[0], "|")
	var keep []int
	for _, c := range strings.Split(header, "|") {
		keep = append(keep, slices.Index(cols, c))
	}
	out := []string{header}
	for _, l := range lines[1:] {
		cells := strings.Split(l, "|")
		var kept []string
		for _, i := range keep {
			if i < 0 {
				kept = append(kept, "<dropped>")
			} else {
				kept = append(kept, cells[i])
			}
		}
		for i, c := range cells {
			if !slices.Contains(keep, i) && c != "" {
				t.Errorf("%s: the new column %s holds %q in a row from before", table, cols[i], c)
			}
		}
		out = append(out, strings.Join(kept, "|"))
	}
	slices.Sort(out[1:])
	return out
}

// recordKeysHashed: migration 0017 writes every record's keys anew as
// their hashes (export.KeyHash): record_keys holds then exactly the hash of
// each key of each record (dedupe.IndexKeys), and nothing else.
func recordKeysHashed(t *testing.T, s export.Store, after []string) {
	t.Helper()
	want := append([]string{"key|seq"}, storedKeys(t, s)...)
	if len(want) < 4 || !slices.Equal(after, want) {
		t.Errorf("record_keys after migration, against the hashes of the records' keys:\n%s", diffLines(strings.Join(want, "\n"), strings.Join(after, "\n")))
	}
}

// TypesMigration opens a store written at schema version 11 (build makes
// it with the engine's migrations up to that version and the statements,
// raw reads its database): migration 0012 keeps every value of every
// table, personal IDs, times, amounts and JSON documents alike, and
// crmkit reads them back and runs on.
func TypesMigration(t *testing.T, build func(t *testing.T, upTo int, statements []string) Opener, raw RawQuery) {
	open := build(t, 11, legacyV11)
	before := rawDump(t, raw)
	if n := len(before["runs"]); n != 5 {
		t.Fatalf("the legacy store holds %d runs, want 4", n-1)
	}
	s := open(t, time.Second)
	after := rawDump(t, raw)
	newer := func(l string) bool { v, _, _ := strings.Cut(l, "|"); n, _ := strconv.Atoi(v); return n > 11 }
	if !slices.ContainsFunc(after["schema_migrations"], newer) {
		t.Errorf("schema versions after opening: %v, want 12 too", after["schema_migrations"])
	}
	after["schema_migrations"] = slices.DeleteFunc(after["schema_migrations"], newer)
	for table, want := range before {
		if table == "record_keys" {
			recordKeysHashed(t, s, after[table])
			continue
		}
		got := onlyColumns(t, table, after[table], want[0])
		if !slices.Equal(got, want) {
			t.Errorf("%s after migration:\n%s", table, diffLines(strings.Join(want, "\n"), strings.Join(got, "\n")))
		}
	}

	// crmkit reads the migrated values as it wrote them.
	ctx := context.Background()
	runs := collect(t, s.Runs(ctx))
	if len(runs) != 4 {
		t.Fatalf("%d runs after migration, want 4", len(runs))
	}
	if want := time.Date(2026, 10, 1, 10, 0, 0, 123457000, time.UTC); !runs[0].StartedAt.Equal(want) {
		t.Errorf("run 1 started at %v, want %v (to the microsecond)", runs[0].StartedAt, want)
	}
	if want := time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC); !runs[3].StartedAt.Equal(want) {
		t.Errorf("run 4 started at %v, want %v", runs[3].StartedAt, want)
	}
	if runs[0].UndoneBy != 0 || runs[1].UndoneBy != 3 || len(runs[0].Files) != 1 || runs[0].Files[0].Path != "crm.csv" {
		t.Errorf("runs after migration: %+v", runs)
	}
	cards := map[string]crmkit.Card{}
	for _, c := range collect(t, s.Cards(ctx)) {
		cards[c.PersonalID] = c
	}
	if org, p := cards[v11Org], cards[v11Person]; org.Revenue != "1500.25" || org.OrgID != "" || p.OrgID != v11Org || p.Revenue != "" ||
		!slices.Equal(org.PhoneList(), []string{"+74950000001 доб. 12"}) {
		t.Errorf("cards after migration: %+v", cards)
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	decisions, err := tx.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []crmkit.Decision{{A: crmkit.SourceKey{Source: "crm", Key: "c1"}, B: crmkit.SourceKey{Source: "crm", Key: "c2"}, Same: true},
		{A: crmkit.SourceKey{Source: "crm", Key: "c1"}, B: crmkit.SourceKey{Source: "crm", Key: "c3"}}}; !slices.Equal(decisions, want) {
		t.Errorf("decisions after migration: %v", decisions)
	}
	tx.Rollback(ctx)

	// The next import finds the stored organisation by its INN and keeps its ID.
	c5 := clean("erp", "e5", 5, "name=Альфа ООО", "inn=7707083893", "revenue=10")
	importRecords(t, s, []crmkit.Record{c5}, nil)
	if id := linksOf(t, s)[crmkit.SourceKey{Source: "erp", Key: "e5"}]; id != v11Org {
		t.Errorf("a new record of the stored organisation got %s, want %s", id, v11Org)
	}
}
