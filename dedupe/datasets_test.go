package dedupe

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
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
		dob := row[9]
		if len(dob) == 8 {
			dob = dob[6:8] + "." + dob[4:6] + "." + dob[:4]
		}
		raw := crmkit.Record{Source: "febrl", Key: id, Kind: crmkit.KindPerson, Fields: map[string]string{
			crmkit.FieldName:      strings.TrimSpace(row[2] + " " + row[1]),
			crmkit.FieldAddress:   strings.Join([]string{row[3], row[4], row[5], row[7]}, " "),
			crmkit.FieldCity:      row[6],
			crmkit.FieldBirthDate: dob,
		}}
		rec, _ := normalize.Record(raw, normalize.Options{Phone: normalize.PhoneOptions{Region: "AU"}})
		recs = append(recs, rec)
		truth[crmkit.SourceKey{Source: "febrl", Key: id}] = entity
	}
	return recs, truth
}

func fakeRecords(t *testing.T) ([]crmkit.Record, map[crmkit.SourceKey]string) {
	rows := sharedDataset(t, "splink-fake1000/fake_1000_from_splink_demos.csv")
	var recs []crmkit.Record
	truth := map[crmkit.SourceKey]string{}
	for _, row := range rows[1:] {
		dob := row[3]
		if len(dob) == 10 {
			dob = dob[8:10] + "." + dob[5:7] + "." + dob[:4]
		}
		raw := crmkit.Record{Source: "fake", Key: row[0], Kind: crmkit.KindPerson, Fields: map[string]string{
			crmkit.FieldName:      strings.TrimSpace(strings.TrimSpace(row[2]) + " " + strings.TrimSpace(row[1])),
			crmkit.FieldCity:      row[4],
			crmkit.FieldEmail:     row[5],
			crmkit.FieldBirthDate: dob,
		}}
		rec, _ := normalize.Record(raw, normalize.Options{Phone: normalize.PhoneOptions{Region: "GB"}})
		recs = append(recs, rec)
		truth[crmkit.SourceKey{Source: "fake", Key: row[0]}] = row[6]
	}
	return recs, truth
}

// weightsPartition clusters records with Fellegi–Sunter weights trained on
// their own candidate pairs: the experiment before matching uses them.
func weightsPartition(recs []crmkit.Record, blockKeys func(*crmkit.Record) []string, threshold float64) (map[crmkit.SourceKey]string, *Params) {
	ptrs := make([]*crmkit.Record, len(recs))
	for i := range recs {
		ptrs[i] = &recs[i]
	}
	blocks := map[string][]int{}
	for i := range recs {
		for _, k := range blockKeys(&recs[i]) {
			blocks[k] = append(blocks[k], i)
		}
	}
	type pair struct{ a, b int }
	seen := map[pair]bool{}
	var pairs []pair
	keys := make([]string, 0, len(blocks))
	for k := range blocks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m := blocks[k]
		if len(m) > 200 {
			continue
		}
		for x := range m {
			for y := x + 1; y < len(m); y++ {
				p := pair{min(m[x], m[y]), max(m[x], m[y])}
				if !seen[p] {
					seen[p] = true
					pairs = append(pairs, p)
				}
			}
		}
	}
	u, tf := EstimateU(ptrs, 200000, 7)
	vectors := make([]Vector, len(pairs))
	values := make([][]string, len(pairs))
	for i, p := range pairs {
		vectors[i], values[i] = compareAll(ptrs[p.a], ptrs[p.b])
	}
	lambda, m, uc := EM(vectors, u)
	params := &Params{Lambda: lambda, M: m, U: uc, URandom: u, TF: tf}
	cl := newClusters(nil, len(recs))
	for i, p := range pairs {
		if _, prob := params.Score(vectors[i], values[i]); prob >= threshold {
			cl.union(cl.find(p.a), cl.find(p.b))
		}
	}
	links := map[crmkit.SourceKey]string{}
	for i, r := range recs {
		links[crmkit.SourceKey{Source: r.Source, Key: r.Key}] = recs[cl.first[cl.find(i)]].Key
	}
	return links, params
}

// personBlocks: the name keys, and birth date with each name part, so that
// a typo in one field still meets its pair.
func personBlocks(r *crmkit.Record) []string {
	keys := BlockKeys(r)
	dob := r.Fields[crmkit.FieldBirthDate]
	for _, f := range []string{crmkit.FieldLastName, crmkit.FieldFirstName} {
		if v := foldWord(r.Fields[f]); v != "" && dob != "" {
			keys = append(keys, "dob+"+f+":"+dob+"|"+v)
		}
	}
	if c := foldWord(r.Fields[crmkit.FieldCity]); c != "" && dob != "" {
		keys = append(keys, "dob+city:"+dob+"|"+c)
	}
	return keys
}

// Fellegi–Sunter weights trained on each set's own candidate pairs, one
// threshold for all: the targets of matching on data nobody here wrote.
func TestWeightsOnPublicSets(t *testing.T) {
	const threshold = 0.999
	for _, set := range []struct {
		name          string
		load          func(*testing.T) ([]crmkit.Record, map[crmkit.SourceKey]string)
		precision, f1 float64
	}{{"febrl3", febrlRecords, 0.99, 0.95}, {"fake1000", fakeRecords, 0.95, 0.85}} {
		t.Run(set.name, func(t *testing.T) {
			recs, truth := set.load(t)
			links, params := weightsPartition(recs, personBlocks, threshold)
			ev := Evaluate(truth, links)
			t.Logf("match probability ≥ %.3f: precision %.4f recall %.4f F1 %.4f (λ %.4f)", threshold, ev.Precision, ev.Recall, ev.F1, params.Lambda)
			for _, c := range comparators {
				t.Logf("  %-12s m %.3f u %.3f", c.name, params.M[c.name], params.U[c.name])
			}
			if ev.Precision < set.precision || ev.F1 < set.f1 {
				t.Errorf("precision %.4f (want ≥ %.2f), F1 %.4f (want ≥ %.2f)", ev.Precision, set.precision, ev.F1, set.f1)
			}
		})
	}
}

// The same sets through a run (Resolve: vetoes, chain guards, clusters)
// with a model trained on the records themselves.
func TestModelRunOnPublicSets(t *testing.T) {
	for _, set := range []struct {
		name          string
		load          func(*testing.T) ([]crmkit.Record, map[crmkit.SourceKey]string)
		precision, f1 float64
	}{{"febrl3", febrlRecords, 0.99, 0.95}, {"fake1000", fakeRecords, 0.95, 0.85}} {
		t.Run(set.name, func(t *testing.T) {
			recs, truth := set.load(t)
			cfg := Config{}
			cfg.Model = Train(recs, cfg)
			plan, err := Resolve(context.Background(), nil, Input{Records: recs}, cfg, Options{NewID: counter()})
			if err != nil {
				t.Fatal(err)
			}
			links := map[crmkit.SourceKey]string{}
			for _, l := range plan.Links {
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
