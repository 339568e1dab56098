package dedupe

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

// The public labelled sets in ../shared/datasets, read as a user's mapping
// would put them into crmkit's fields.
func sharedDataset(t *testing.T, rel string) [][]string {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "datasets", rel)
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("SKIP: %s is not here (a fresh clone without ../shared): %v", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}

func febrlRecords(t *testing.T) ([]crmkit.Record, map[crmkit.SourceKey]string) {
	rows := sharedDataset(t, "febrl3/dataset3.csv")
	var recs []crmkit.Record
	truth := map[crmkit.SourceKey]string{}
	for _, row := range rows[1:] {
		id := row[0]
		entity := strings.Join(strings.Split(id, "-")[:2], "-")
		// As a mapping puts the columns: the name in its parts, the
		// address from its three columns, the birth date as written
		// (yyyymmdd); soc_sec_id, postcode and state left out.
		raw := crmkit.Record{Source: "febrl", Key: id, Kind: crmkit.KindPerson, Fields: map[string]string{
			crmkit.FieldFirstName: row[1],
			crmkit.FieldLastName:  row[2],
			crmkit.FieldAddress:   strings.Join([]string{row[3], row[4], row[5]}, " "),
			crmkit.FieldCity:      row[6],
			crmkit.FieldBirthDate: row[9],
		}}
		rec, _ := normalize.Record(raw, normalize.Options{Phone: normalize.PhoneOptions{Region: "AU"}})
		recs = append(recs, rec)
		truth[crmkit.SourceKey{Source: "febrl", Key: id}] = entity
	}
	return recs, truth
}

// febrlOnePerOriginal is Febrl 3 cut to each original and its first
// duplicate: one duplicate per original, as Febrl 4 has.
func febrlOnePerOriginal(t *testing.T) ([]crmkit.Record, map[crmkit.SourceKey]string) {
	all, truth := febrlRecords(t)
	var recs []crmkit.Record
	for _, r := range all {
		if strings.HasSuffix(r.Key, "-org") || strings.HasSuffix(r.Key, "-dup-0") {
			recs = append(recs, r)
		}
	}
	sub := map[crmkit.SourceKey]string{}
	for i := range recs {
		k := crmkit.SourceKey{Source: recs[i].Source, Key: recs[i].Key}
		sub[k] = truth[k]
	}
	return recs, sub
}

func fakeRecords(t *testing.T) ([]crmkit.Record, map[crmkit.SourceKey]string) {
	rows := sharedDataset(t, "splink-fake1000/fake_1000_from_splink_demos.csv")
	var recs []crmkit.Record
	truth := map[crmkit.SourceKey]string{}
	for _, row := range rows[1:] {
		raw := crmkit.Record{Source: "fake", Key: row[0], Kind: crmkit.KindPerson, Fields: map[string]string{
			crmkit.FieldFirstName: row[1],
			crmkit.FieldLastName:  row[2],
			crmkit.FieldCity:      row[4],
			crmkit.FieldEmail:     row[5],
			crmkit.FieldBirthDate: row[3],
		}}
		rec, _ := normalize.Record(raw, normalize.Options{Phone: normalize.PhoneOptions{Region: "GB"}})
		recs = append(recs, rec)
		truth[crmkit.SourceKey{Source: "fake", Key: row[0]}] = row[6]
	}
	return recs, truth
}

// The public sets through a run (Resolve: vetoes, chain guards, clusters)
// with a model trained on the records themselves and the default
// thresholds: the targets of matching on data nobody here wrote.
func TestModelRunOnPublicSets(t *testing.T) {
	for _, set := range []struct {
		name          string
		load          func(*testing.T) ([]crmkit.Record, map[crmkit.SourceKey]string)
		precision, f1 float64
	}{{"febrl3", febrlRecords, 0.999, 0.99}, {"febrl3-one-per-original", febrlOnePerOriginal, 0.999, 0.99}, {"fake1000", fakeRecords, 0.999, 0.965}} {
		t.Run(set.name, func(t *testing.T) {
			recs, truth := set.load(t)
			cfg := Config{}
			cfg.Model = Train(recs, cfg)
			plan, err := Resolve(context.Background(), nil, Input{Records: recs}, cfg, Options{NewID: counter()})
			if err != nil {
				t.Fatal(err)
			}
			links := map[crmkit.SourceKey]string{}
			for _, l := range plan.Links() {
				links[crmkit.SourceKey{Source: l.Source, Key: l.SourceKey}] = l.PersonalID
			}
			ev := Evaluate(truth, links)
			t.Logf("precision %.4f recall %.4f F1 %.4f (λ %.4f), %d refused, %d to review", ev.Precision, ev.Recall, ev.F1, cfg.Model.Lambda, plan.Refused, len(plan.Review))
			if ev.Precision < set.precision || ev.F1 < set.f1 {
				t.Errorf("precision %.4f (want ≥ %.2f), F1 %.4f (want ≥ %.2f)", ev.Precision, set.precision, ev.F1, set.f1)
			}
		})
	}
}
