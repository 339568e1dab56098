package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

type evalOptions struct {
	g     *globalOptions
	truth string
	links string
}

func newEvalCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &evalOptions{g: g}
	cmd := &cobra.Command{
		Use:   "eval --truth TRUTH.csv LINKS.csv",
		Short: "Measure deduplication against a labelled sample: pairwise precision, recall, F1",
		Long: `eval compares the personal IDs of a links file (crmkit dedupe's links.csv, or
crmkit export links) with a labelled truth file of columns source,source_key,entity:
two records are a true pair when their entity is the same. It prints pairwise
precision, recall and F1, and how many clusters are exactly the true customers.
Only records present in both files count.`,
		Example: `  go run ./testdata/gen -labelled 5000 -o bench/labelled
  crmkit dedupe bench/labelled/crm.csv bench/labelled/site.csv -o bench/out
  crmkit eval --truth bench/labelled/truth.csv bench/out/links.csv`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("name one links file")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if opts.truth == "" {
				return usagef("name the labelled truth file with --truth")
			}
			opts.links = args[0]
			return runEval(ios, opts)
		},
	}
	cmd.Flags().StringVar(&opts.truth, "truth", "", "CSV source,source_key,entity")
	return cmd
}

// evaluation is eval's result; --format json prints it as is.
type evaluation struct {
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

func runEval(ios *IOStreams, opts *evalOptions) error {
	truth, err := readPairsFile(opts.truth, "source", "source_key", "entity")
	if err != nil {
		return err
	}
	links, err := readPairsFile(opts.links, "source", "source_key", "personal_id")
	if err != nil {
		return err
	}
	ev := evaluate(truth, links)
	if opts.g.format == "json" {
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(ev)
	}
	fmt.Fprintf(ios.Out, "records: %d (links not in truth %d, truth not in links %d)\n", ev.Records, ev.UnknownInTruth, ev.MissingInLinks)
	fmt.Fprintf(ios.Out, "pairs: %d true, %d found, %d correct\n", ev.TruePairs, ev.FoundPairs, ev.CorrectPairs)
	fmt.Fprintf(ios.Out, "precision %.4f  recall %.4f  F1 %.4f\n", ev.Precision, ev.Recall, ev.F1)
	fmt.Fprintf(ios.Out, "customers: %d true, %d clusters, %d exactly right\n", ev.Entities, ev.Clusters, ev.ExactClusters)
	return nil
}

// readPairsFile reads (source, source_key) → label from a CSV with a header.
func readPairsFile(path string, cols ...string) (map[[2]string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range header {
			if h == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, usagef("%s: no column %q (want %v)", path, c, cols)
		}
	}
	out := map[[2]string]string{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s line %d: %w", path, line, err)
		}
		if max(idx[0], idx[1], idx[2]) >= len(rec) {
			return nil, fmt.Errorf("%s line %d: too few columns", path, line)
		}
		out[[2]string{rec[idx[0]], rec[idx[1]]}] = rec[idx[2]]
	}
}

// evaluate counts pairs through cluster sizes: C(n,2) of every (cluster,
// entity) cell is correct, of every cluster found, of every entity true.
func evaluate(truth, links map[[2]string]string) evaluation {
	var ev evaluation
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
