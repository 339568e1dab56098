package dedupe

import (
	"context"
	"testing"

	"github.com/crmkit/crmkit"
)

// listingIndex is a store holding these records, which it can list.
type listingIndex struct {
	emptyIndex
	stored []Stored
}

func (x listingIndex) Records(context.Context) ([]Stored, error) { return x.stored, nil }

// A store without a model estimates one as soon as its records and the
// run's are enough together, from all of them (as one run over all of them
// would), and recomputes the stored ones with it; a run alone too small, in
// files-only mode or into an empty store, scores with the hand-set weights.
func TestChooseModelWithoutStoredModel(t *testing.T) {
	ctx := context.Background()
	recs := memoryRecords(MinTrainRecords + 200)
	before, run := recs[:400], recs[400:] // each fewer than MinTrainRecords
	var stored []Stored
	for i, r := range before {
		stored = append(stored, Stored{Record: r, Seq: int64(i + 1)})
	}
	c, err := ChooseModel(ctx, listingIndex{stored: stored}, nil, run, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Trained || c.Model == nil || c.Records != len(recs) || len(c.Recompute) != len(before) {
		t.Fatalf("trained %v, from %d records, %d to recompute; want a model from %d, %d to recompute", c.Trained, c.Records, len(c.Recompute), len(recs), len(before))
	}
	// From the run's records and the stored ones (run first, as ChooseModel
	// lists them).
	all := append(append([]crmkit.Record(nil), run...), before...)
	if got, want := modelHash(c.Model), modelHash(Train(all, Config{})); got != want {
		t.Errorf("the model is not the one estimated from every record: %s, want %s", got, want)
	}
	for _, idx := range []Index{emptyIndex{}, listingIndex{}} {
		c, err := ChooseModel(ctx, idx, nil, run, Config{})
		if err != nil || c.Model != nil || c.Trained || len(c.Recompute) > 0 {
			t.Errorf("%T: %d records alone: model %v, trained %v, %d to recompute, %v; want none", idx, len(run), c.Model != nil, c.Trained, len(c.Recompute), err)
		}
	}
	// A stored model that knows the run's sources is kept.
	model := c.Model
	c, err = ChooseModel(ctx, listingIndex{stored: stored}, model, run, Config{})
	if err != nil || c.Model != model || c.Trained || len(c.Recompute) > 0 {
		t.Errorf("with a stored model: trained %v, %d to recompute, %v; want it kept", c.Trained, len(c.Recompute), err)
	}
}
