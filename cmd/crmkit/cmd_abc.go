package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/export"
	"github.com/spf13/cobra"
)

type abcOptions struct {
	g        *globalOptions
	store    storeOptions
	top      int
	from, to string
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
People's names are masked unless --show-pii; organisations' show.

--from and --to (YYYY-MM-DD, both days in; either alone is open on the
other side) rank by the revenue of a period instead: each row of each file
whose revenue_date ("Дата продажи", "Дата документа", "Order date", or a
column mapped to revenue_date) falls in it, as its file's latest run read
it, summed over the customer's records. Classes of a period are printed,
never stored.` + "\n" + exitCodesHelp,
		Example: `  crmkit abc --store crm.db
  crmkit abc --store postgres://crm@db/crm --format json --top 0 | jq '.classes'
  crmkit abc --store crm.db --from 2026-01-01 --to 2026-06-30`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.top < 0 {
				return usagef("--top %d: a number from 0", opts.top)
			}
			if err := opts.checkPeriod(); err != nil {
				return err
			}
			return runABC(cmd.Context(), ios, opts)
		},
	}
	addStoreFlags(cmd, &opts.store)
	cmd.Flags().IntVar(&opts.top, "top", 20, "customers to list, largest first (0: all)")
	cmd.Flags().StringVar(&opts.from, "from", "", "rank by the revenue of rows dated from this day on (YYYY-MM-DD)")
	cmd.Flags().StringVar(&opts.to, "to", "", "rank by the revenue of rows dated up to this day (YYYY-MM-DD)")
	return cmd
}

// checkPeriod validates --from and --to; either alone reaches as far as
// the rows do.
func (o *abcOptions) checkPeriod() error {
	for _, d := range []struct{ flag, v string }{{"--from", o.from}, {"--to", o.to}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return usagef("%s %q: a day written YYYY-MM-DD", d.flag, d.v)
		}
	}
	if o.from != "" && o.to != "" && o.from > o.to {
		return usagef("--from %s is after --to %s", o.from, o.to)
	}
	return nil
}

func runABC(ctx context.Context, ios *IOStreams, opts *abcOptions) error {
	cfg, store, err := configAndStore(ctx, opts.g.configPath, opts.store)
	if err != nil {
		return err
	}
	defer store.Close()
	var res export.ABCResult
	if opts.from != "" || opts.to != "" {
		from, to := cmp.Or(opts.from, "0001-01-01"), cmp.Or(opts.to, "9999-12-31")
		res, err = store.ABCPeriod(ctx, cfg.ABC, from, to)
		res.From, res.To = opts.from, opts.to // as asked: an open side stays open
	} else {
		res, err = store.ABC(ctx, cfg.ABC)
	}
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
	if res.From != "" || res.To != "" {
		period := "revenue of the rows dated"
		if res.From != "" {
			period += " from " + res.From
		}
		if res.To != "" {
			period += " to " + res.To
		}
		fmt.Fprintln(w, period)
	}
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
