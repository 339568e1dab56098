package dedupe

import "github.com/crmkit/crmkit"

// Evaluation compares personal IDs with a labelled truth, pair by pair.
type Evaluation struct {
	Records        int     `json:"records"`
	TruePairs      int     `json:"true_pairs"`
	FoundPairs     int     `json:"found_pairs"`
	CorrectPairs   int     `json:"correct_pairs"`
	Precision      float64 `json:"precision"`
	Recall         float64 `json:"recall"`
	F1             float64 `json:"f1"`
	Entities       int     `json:"entities"`
	Clusters       int     `json:"clusters"`
	ExactClusters  int     `json:"exact_clusters"`
	UnknownInTruth int     `json:"links_not_in_truth"`
	MissingInLinks int     `json:"truth_not_in_links"`
}

// Evaluate compares the personal ID of each source record with its true
// entity. It counts pairs through cluster sizes: C(n,2) of every (cluster,
// entity) cell is correct, of every cluster found, of every entity true.
func Evaluate(truth, links map[crmkit.SourceKey]string) Evaluation {
	var ev Evaluation
	cell := map[[2]string]int{}
	byCluster, byEntity := map[string]int{}, map[string]int{}
	entitiesOf := map[string]map[string]bool{}
	for k, pid := range links {
		entity, ok := truth[k]
		if !ok {
			ev.UnknownInTruth++
			continue
		}
		ev.Records++
		cell[[2]string{pid, entity}]++
		byCluster[pid]++
		byEntity[entity]++
		if entitiesOf[pid] == nil {
			entitiesOf[pid] = map[string]bool{}
		}
		entitiesOf[pid][entity] = true
	}
	for k := range truth {
		if _, ok := links[k]; !ok {
			ev.MissingInLinks++
		}
	}
	pairs := func(n int) int { return n * (n - 1) / 2 }
	for _, n := range cell {
		ev.CorrectPairs += pairs(n)
	}
	for _, n := range byCluster {
		ev.FoundPairs += pairs(n)
	}
	for _, n := range byEntity {
		ev.TruePairs += pairs(n)
	}
	ev.Entities, ev.Clusters = len(byEntity), len(byCluster)
	for pid, ents := range entitiesOf {
		if len(ents) == 1 {
			for e := range ents {
				if byEntity[e] == byCluster[pid] {
					ev.ExactClusters++
				}
			}
		}
	}
	ev.Precision, ev.Recall = 1, 1
	if ev.FoundPairs > 0 {
		ev.Precision = float64(ev.CorrectPairs) / float64(ev.FoundPairs)
	}
	if ev.TruePairs > 0 {
		ev.Recall = float64(ev.CorrectPairs) / float64(ev.TruePairs)
	}
	if ev.Precision+ev.Recall > 0 {
		ev.F1 = 2 * ev.Precision * ev.Recall / (ev.Precision + ev.Recall)
	}
	return ev
}
