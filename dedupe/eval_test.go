package dedupe

import (
	"testing"

	"github.com/crmkit/crmkit"
)

func TestEvaluate(t *testing.T) {
	k := func(s string) crmkit.SourceKey { return crmkit.SourceKey{Source: "s", Key: s} }
	truth := map[crmkit.SourceKey]string{k("1"): "A", k("2"): "A", k("3"): "A", k("4"): "B", k("5"): "B"}
	links := map[crmkit.SourceKey]string{k("1"): "p", k("2"): "p", k("3"): "q", k("4"): "q", k("5"): "r"}
	ev := Evaluate(truth, links)
	// True pairs: A has 3, B has 1 → 4. Found: p has 1, q has 1 → 2. Correct: (1,2) → 1.
	if ev.TruePairs != 4 || ev.FoundPairs != 2 || ev.CorrectPairs != 1 || ev.Precision != 0.5 || ev.Recall != 0.25 || ev.ExactClusters != 0 {
		t.Errorf("%+v", ev)
	}
}
