package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/dedupe"
	"github.com/crmkit/crmkit/export"
	"github.com/crmkit/crmkit/normalize"
	"github.com/spf13/cobra"
)

type explainOptions struct {
	g     *globalOptions
	store storeOptions
	refs  [2]string
}

func newExplainCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &explainOptions{g: g}
	cmd := &cobra.Command{
		Use:   "explain A B",
		Short: "Why two records are (or are not) one customer: the comparison and its reasons",
		Long: `explain prints how two records or customers compare: each reason with its
weight, any veto, whether the score reaches the merge or review threshold, and
— when the store knows both — whether the store holds them as one customer
(other records or a decision may join a pair that scores low on its own).
A and B are each one of:
  FILE:ROW      a record of a file, by the row links.csv gives (Excel row, CSV
                line, element ordinal of a 1C file); the file is read whole,
                so that keys shared by many records count as they do in a run
  SOURCE/KEY    a source record known to the store (--store): its link says
                which file and row to read; a relative path is looked for
                here, then where the import ran, beside the store file and
                beside the config file
  PERSONAL_ID   a customer of the store: its golden card
--format json prints one document: a, b (each record with its personal_id in
the store), score, probability, veto, reasons, merge_threshold,
review_threshold, pair_verdict and verdict (one_customer, review,
two_customers or never).`,
		Example: `  crmkit explain testdata/clients.xlsx:6 testdata/contacts-1251.csv:3
  crmkit explain 1c-trade/00-000018 crm/h:a6aff96aac8a356cdb5b
  crmkit explain 01a2082c-1be9-7e48-9382-d2b4ff457956 01a2082c-1be9-7e50-9da8-fa3f5d822018`,
		Args: exactArgs(2, "name two records as FILE:ROW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.refs = [2]string{args[0], args[1]}
			return runExplain(cmd.Context(), ios, opts)
		},
	}
	addStoreFlags(cmd, &opts.store)
	return cmd
}

// Verdicts of explain, as --format json names them.
const (
	verdictOne    = "one_customer"
	verdictReview = "review"
	verdictTwo    = "two_customers"
	verdictNever  = "never"
)

// explainSide is one of the two records compared.
type explainSide struct {
	export.RecordView
	Ref        string `json:"ref"`
	PersonalID string `json:"personal_id,omitempty"` // its customer in the store; "" when the store does not know it
}

type explainResult struct {
	A               explainSide `json:"a"`
	B               explainSide `json:"b"`
	Score           float64     `json:"score"`
	Probability     float64     `json:"probability,omitempty"`
	Veto            string      `json:"veto,omitempty"`
	Reasons         []string    `json:"reasons"`
	MergeThreshold  float64     `json:"merge_threshold"`
	ReviewThreshold float64     `json:"review_threshold"`
	PairVerdict     string      `json:"pair_verdict"` // what the pair's own score says
	Verdict         string      `json:"verdict"`      // what the store holds, when it knows both; else the pair's
}

func runExplain(ctx context.Context, ios *IOStreams, opts *explainOptions) error {
	cfg, err := loadConfig(opts.g.configPath)
	if err != nil {
		return err
	}
	type ref struct {
		file string
		row  int
	}
	refs := make([]ref, 2)
	var cards [2]*crmkit.Card
	needStore := false
	for j, s := range opts.refs {
		if i := strings.LastIndexByte(s, ':'); i > 0 {
			if row, err := strconv.Atoi(s[i+1:]); err == nil && row >= 1 {
				refs[j] = ref{s[:i], row}
				continue
			}
		}
		needStore = true
	}
	// The store answers SOURCE/KEY and personal IDs, and whether it holds
	// the two as one customer; FILE:ROW alone needs none, so a store that
	// was never created is no error then, unless --store named it.
	dsn := opts.store.resolve(cfg)
	store, err := openStore(ctx, dsn, opts.store.lockWait, readStore)
	var noStore *noStoreError
	switch {
	case errors.As(err, &noStore) && !needStore && opts.store.dsn == "":
		store = nil
	case err != nil:
		return err
	default:
		defer store.Close()
	}
	for j, s := range opts.refs {
		if refs[j].file != "" {
			continue
		}
		if source, key, ok := strings.Cut(s, "/"); ok {
			for l, err := range store.Links(ctx) {
				if err != nil {
					return err
				}
				if l.Source == source && l.SourceKey == key {
					refs[j] = ref{l.File, l.Row}
					break
				}
			}
			if refs[j].file != "" {
				path, err := locateRead(ctx, ios, store, refs[j].file, dsn, opts.g.configPath)
				if err != nil {
					return err
				}
				refs[j].file = path
				continue
			}
		}
		for c, err := range store.Cards(ctx) {
			if err != nil {
				return err
			}
			if c.PersonalID == s {
				cards[j] = &c
				break
			}
		}
		if cards[j] == nil {
			return usagef("%q: not FILE:ROW, nor a source key or personal ID in the store", s)
		}
	}
	var recs []crmkit.Record
	var idx [2]int
	var files []string
	for _, r := range refs {
		if r.file != "" && (len(files) == 0 || files[len(files)-1] != r.file) {
			files = append(files, r.file)
		}
	}
	if len(files) > 0 {
		fl, err := readFiles(ctx, files, cfg, opts.g, nil, nil)
		if err != nil {
			return err
		}
		recs = fl.Records
	}
	for j := range 2 {
		if cards[j] != nil {
			idx[j] = len(recs)
			recs = append(recs, cardRecord(*cards[j]))
			continue
		}
		idx[j] = -1
		for i, r := range recs {
			if r.File == refs[j].file && r.Row == refs[j].row {
				idx[j] = i
				break
			}
		}
		if idx[j] < 0 {
			return fmt.Errorf("%s row %d: no record there (a header, title, empty or skipped row?)", refs[j].file, refs[j].row)
		}
	}
	// The weights a run would use: the store's model, or one estimated from
	// the files read. The model is read outside a run: explain never waits
	// for, nor holds up, an import.
	var stored *dedupe.Params
	if store != nil && cfg.Dedupe.Learned() {
		if stored, err = store.Model(ctx); err != nil {
			return err
		}
	}
	cfg.Dedupe.Model, _ = dedupe.ModelFor(stored, recs, cfg.Dedupe)
	c := dedupe.Explain(recs, idx[0], idx[1], cfg.Dedupe)
	d := cfg.Dedupe.WithDefaults()
	res := explainResult{Score: c.Score, Probability: c.Probability, Veto: c.Veto, Reasons: c.Reasons,
		MergeThreshold: d.Merge, ReviewThreshold: d.Review}
	if res.Reasons == nil {
		res.Reasons = []string{}
	}
	switch {
	case c.Veto != "":
		res.PairVerdict = verdictNever
	case c.Score >= d.Merge:
		res.PairVerdict = verdictOne
	case c.Score >= d.Review:
		res.PairVerdict = verdictReview
	default:
		res.PairVerdict = verdictTwo
	}
	res.Verdict = res.PairVerdict
	sides := [2]*explainSide{&res.A, &res.B}
	for j, i := range idx {
		*sides[j] = explainSide{RecordView: export.ViewOf(recs[i]), Ref: opts.refs[j]}
		if cards[j] != nil {
			sides[j].PersonalID = cards[j].PersonalID
		}
	}
	if store != nil {
		if err := customersOf(ctx, store, recs, idx, sides); err != nil {
			return err
		}
		if res.A.PersonalID != "" && res.B.PersonalID != "" {
			res.Verdict = verdictTwo
			if res.A.PersonalID == res.B.PersonalID {
				res.Verdict = verdictOne
			}
		}
	}
	if opts.g.format == "json" {
		return writeJSON(ios.Out, res)
	}
	printExplain(ios, res, c, cards)
	return nil
}

func printExplain(ios *IOStreams, res explainResult, c dedupe.Comparison, cards [2]*crmkit.Card) {
	for j, s := range []explainSide{res.A, res.B} {
		v := s.RecordView
		where := fmt.Sprintf("%s row %d [%s/%s]", v.File, v.Row, v.Source, v.Key)
		if cards[j] != nil {
			where = "customer " + cards[j].PersonalID
		}
		fmt.Fprintf(ios.Out, "%c: %s %s | INN %s | %s | %s | %s\n", 'A'+j, where, v.Name, v.INN, v.Phones, v.Emails, v.City)
	}
	fmt.Fprintf(ios.Out, "score %s\n", c.Explanation())
	var pair string
	switch res.PairVerdict {
	case verdictNever:
		pair = fmt.Sprintf("never one customer (%s)", c.Veto)
	case verdictOne:
		pair = fmt.Sprintf("one customer (score ≥ merge threshold %.1f)", res.MergeThreshold)
	case verdictReview:
		pair = fmt.Sprintf("for review (%.1f ≤ score < %.1f)", res.ReviewThreshold, res.MergeThreshold)
	default:
		pair = fmt.Sprintf("two customers (score < review threshold %.1f)", res.ReviewThreshold)
	}
	switch {
	case res.Verdict == verdictOne && res.PairVerdict != verdictOne:
		fmt.Fprintf(ios.Out, "verdict: one customer in the store (%s): other records or a decision join them; on its own the pair is %s\n", res.A.PersonalID, pair)
	case res.Verdict == verdictOne && res.A.PersonalID != "":
		fmt.Fprintf(ios.Out, "verdict: %s; the store holds them as one customer (%s)\n", pair, res.A.PersonalID)
	case res.A.PersonalID != "" && res.B.PersonalID != "":
		fmt.Fprintf(ios.Out, "verdict: %s; the store holds them as two customers (%s, %s)\n", pair, res.A.PersonalID, res.B.PersonalID)
	default:
		fmt.Fprintf(ios.Out, "verdict: %s\n", pair)
	}
}

// customersOf fills in the personal IDs the store's links give the records
// compared (a card is its own customer).
func customersOf(ctx context.Context, store export.Store, recs []crmkit.Record, idx [2]int, sides [2]*explainSide) error {
	want := map[crmkit.SourceKey][]*explainSide{}
	for j, i := range idx {
		if sides[j].PersonalID == "" {
			k := crmkit.SourceKey{Source: recs[i].Source, Key: recs[i].Key}
			want[k] = append(want[k], sides[j])
		}
	}
	if len(want) == 0 {
		return nil
	}
	for l, err := range store.Links(ctx) {
		if err != nil {
			return err
		}
		for _, s := range want[crmkit.SourceKey{Source: l.Source, Key: l.SourceKey}] {
			s.PersonalID = l.PersonalID
		}
	}
	return nil
}

// locateRead finds a file a run read. A link keeps the path as the run was
// given it, relative to where the run ran, which need not be here: the
// path is tried as it is, then as the run recorded it in full, then beside
// the store file (the default store sits where imports run), then beside
// the config file (runs before crmkit recorded full paths). Of those that
// exist, the one whose checksum the store recorded wins; without one, the
// first, with a warning that its rows may have moved.
func locateRead(ctx context.Context, ios *IOStreams, store export.Store, path, dsn, configPath string) (string, error) {
	candidates := []string{path}
	if !filepath.IsAbs(path) {
		if engine, target, err := parseDSN(dsn); err == nil && engine == engineSQLite {
			candidates = append(candidates, filepath.Join(filepath.Dir(target), path))
		}
		if configPath != "" {
			candidates = append(candidates, filepath.Join(filepath.Dir(configPath), path))
		}
	}
	var want, abs string // the checksum and full path of the file when the latest run read it
	for r, err := range store.Runs(ctx) {
		if err != nil {
			return "", err
		}
		for _, f := range r.Files {
			if f.Path == path {
				want, abs = f.SHA256, f.AbsPath
			}
		}
	}
	if abs != "" {
		candidates = append(candidates[:1], append([]string{abs}, candidates[1:]...)...)
	}
	var first string
	seen := map[string]bool{}
	for _, c := range candidates {
		abs, err := filepath.Abs(c)
		if err != nil || seen[abs] {
			continue
		}
		seen[abs] = true
		if st, err := os.Stat(c); err != nil || st.IsDir() {
			continue
		}
		if first == "" {
			first = c
		}
		if want == "" {
			break
		}
		if sum, err := fileSHA256(c); err == nil && sum == want {
			return c, nil
		}
	}
	switch {
	case first == "":
		return "", fmt.Errorf("%s: the file the store's link names is not here, beside the store, nor beside the config; run explain where the import ran, or name the record as FILE:ROW", path)
	case want != "":
		fmt.Fprintf(ios.ErrOut, "crmkit: %s has changed since the store read it: its rows may have moved\n", first)
	}
	return first, nil
}

// cardRecord makes a golden card comparable: a record of its values,
// cleansed again so that it has its keys.
func cardRecord(c crmkit.Card) crmkit.Record {
	rec := crmkit.Record{Source: "store", Key: c.PersonalID, Kind: c.Kind, Fields: map[string]string{
		crmkit.FieldName: c.Name, crmkit.FieldINN: c.INN, crmkit.FieldKPP: c.KPP, crmkit.FieldCity: c.City,
		crmkit.FieldPhone: strings.Join(c.PhoneList(), "; "), crmkit.FieldEmail: strings.Join(c.EmailList(), "; ")}}
	clean, _ := normalize.Record(rec, normalize.Options{})
	return clean
}
