package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

type abcOptions struct {
	g     *globalOptions
	store storeOptions
	top   int
}

func newABCCmd(ios *IOStreams, g *globalOptions) *cobra.Command {
	opts := &abcOptions{g: g}
	cmd := &cobra.Command{
		Use:   "abc [--store DSN]",
		Short: "Rank the store's customers by revenue: ABC classes with their counts and shares",
		Long: `abc ranks the customers of the store by their revenue after merging (a card's
revenue is the sum over the source records merged into it), largest first,
with each one's share and cumulative share, and classes them: A while the
customers before make less than the config's abc.a percent of the total
(default 80), B while they make less than a+b (80+15), else C. Customers
without revenue are C; contact persons are not ranked. It prints the count
and revenue share of each class, then the customers (--top N of them; 0 for
all). The store is read, never locked or changed: the class stored on each
card (export cards, column abc_class) is set by every run that changes cards.
People's names are masked unless --show-pii; organisations' show.` + "\n" + exitCodesHelp,
		Example: `  crmkit abc --store crm.db
  crmkit abc --store postgres://crm@db/crm --format json --top 0 | jq '.classes'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.top < 0 {
				return usagef("--top %d: a number from 0", opts.top)
			}
			return runABC(cmd.Context(), ios, opts)
		},
	}
	addStoreFlags(cmd, &opts.store)
	cmd.Flags().IntVar(&opts.top, "top", 20, "customers to list, largest first (0: all)")
	return cmd
}

func runABC(ctx context.Context, ios *IOStreams, opts *abcOptions) error {
	cfg, store, err := configAndStore(ctx, opts.g.configPath, opts.store)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := store.ABC(ctx, cfg.ABC)
	if err != nil {
		return err
	}
	if opts.top > 0 && len(res.Rows) > opts.top {
		res.Rows = res.Rows[:opts.top]
	}
	if !opts.g.showPII {
		for i, r := range res.Rows {
			if crmkit.Kind(r.Kind) != crmkit.KindOrganization {
				res.Rows[i].Name = crmkit.MaskText(r.Name) // a person's name is personal data
			}
		}
	}
	if opts.g.format == "json" {
		return writeJSON(ios.Out, newABCDocument(res))
	}
	return printABC(ios.Out, res)
}

// abcDocument is abc's --format json: the analysis with snake_case
// thresholds and lists that are [] rather than null.
type abcDocument struct {
	export.ABCResult
	Thresholds struct {
		A float64 `json:"a"`
		B float64 `json:"b"`
		C float64 `json:"c"`
	} `json:"thresholds"` // shadows ABCResult's, whose keys are A, B, C
}

func newABCDocument(res export.ABCResult) abcDocument {
	doc := abcDocument{ABCResult: res}
	doc.Thresholds.A, doc.Thresholds.B, doc.Thresholds.C = res.Thresholds.A, res.Thresholds.B, res.Thresholds.C
	if doc.Classes == nil {
		doc.Classes = []export.ABCClass{}
	}
	if doc.Rows == nil {
		doc.Rows = []export.ABCRow{}
	}
	return doc
}

func printABC(w io.Writer, res export.ABCResult) error {
	t := res.Thresholds
	fmt.Fprintf(w, "customers ranked: %d, revenue %s (classes A %g%%, B %g%%, C %g%%)\n", res.Customers, money(res.Total), t.A, t.B, t.C)
	if res.Total <= 0 {
		_, err := fmt.Fprintln(w, "no card has revenue: nobody is classed")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\tcustomers\tof customers\trevenue\tof revenue\t")
	for _, c := range res.Classes {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%s\t%.1f%%\t\n", c.Class, c.Customers, 100*c.CustShare, money(c.Revenue), 100*c.Share)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(res.Rows) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rank\tclass\trevenue\tshare\tcumulative\tpersonal_id\tname")
	for _, r := range res.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.1f%%\t%.1f%%\t%s\t%s\n", r.Rank, r.Class, money(r.Revenue), 100*r.Share, 100*r.Cumulative, r.PersonalID, r.Name)
	}
	return tw.Flush()
}

// money writes an amount with two decimals.
func money(v float64) string { return fmt.Sprintf("%.2f", v) }
