package main

import (
	"context"
	"fmt"
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
weight, any veto, and whether the score reaches the merge or review threshold.
A and B are each one of:
  FILE:ROW      a record of a file, by the row links.csv gives (Excel row, CSV
                line, element ordinal of a 1C file); the file is read whole,
                so that keys shared by many records count as they do in a run
  SOURCE/KEY    a source record known to the store (--store): its link says
                which file and row to read
  PERSONAL_ID   a customer of the store: its golden card`,
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
	var store export.Store
	openOnce := func() (export.Store, error) {
		if store == nil {
			s, err := openStore(ctx, opts.store.resolve(cfg), opts.store.lockWait)
			if err != nil {
				return nil, err
			}
			store = s
		}
		return store, nil
	}
	defer func() {
		if store != nil {
			store.Close()
		}
	}()
	for j, s := range opts.refs {
		if i := strings.LastIndexByte(s, ':'); i > 0 {
			if row, err := strconv.Atoi(s[i+1:]); err == nil && row >= 1 {
				refs[j] = ref{s[:i], row}
				continue
			}
		}
		st, err := openOnce()
		if err != nil {
			return err
		}
		if source, key, ok := strings.Cut(s, "/"); ok {
			for l, err := range st.Links(ctx) {
				if err != nil {
					return err
				}
				if l.Source == source && l.SourceKey == key {
					refs[j] = ref{l.File, l.Row}
					break
				}
			}
			if refs[j].file != "" {
				continue
			}
		}
		for c, err := range st.Cards(ctx) {
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
		fl, err := readFiles(ctx, files, cfg, opts.g, nil)
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
	// the files read.
	var src dedupe.Index
	if store != nil {
		tx, err := store.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		src = tx
	}
	model, _, err := chooseModel(ctx, src, recs, cfg.Dedupe)
	if err != nil {
		return err
	}
	cfg.Dedupe.Model = model
	c := dedupe.Explain(recs, idx[0], idx[1], cfg.Dedupe)
	for j, i := range idx {
		v := export.ViewOf(recs[i])
		where := fmt.Sprintf("%s row %d [%s/%s]", v.File, v.Row, v.Source, v.Key)
		if cards[j] != nil {
			where = "customer " + cards[j].PersonalID
		}
		fmt.Fprintf(ios.Out, "%c: %s %s | INN %s | %s | %s | %s\n", 'A'+j, where, v.Name, v.INN, v.Phones, v.Emails, v.City)
	}
	fmt.Fprintf(ios.Out, "score %s\n", c.Explanation())
	d := cfg.Dedupe.WithDefaults()
	merge, review := d.Merge, d.Review
	switch {
	case c.Veto != "":
		fmt.Fprintf(ios.Out, "verdict: never one customer (%s)\n", c.Veto)
	case c.Score >= merge:
		fmt.Fprintf(ios.Out, "verdict: one customer (score ≥ merge threshold %.1f)\n", merge)
	case c.Score >= review:
		fmt.Fprintf(ios.Out, "verdict: for review (%.1f ≤ score < %.1f)\n", review, merge)
	default:
		fmt.Fprintf(ios.Out, "verdict: two customers (score < review threshold %.1f)\n", review)
	}
	return nil
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
