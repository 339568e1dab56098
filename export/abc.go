package export

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
)

// ABC analysis ranks customers by revenue after merging: the cards hold
// the revenue summed over their records. Sorted by revenue, largest first,
// a customer is A while the customers before it make less than A% of the
// total, B while they make less than A+B%, else C — so the customer that
// crosses a threshold still belongs to the class below it (with 90, 6, 4
// the first customer is A, not B). Customers without revenue (or with a
// negative one: returns) are C; contact persons are not ranked (their
// organisation is); when no card has revenue nobody is classed.

// ABCThresholds are the classes' shares of revenue, in percent.
type ABCThresholds struct {
	A float64 `yaml:"a"`
	B float64 `yaml:"b"`
	C float64 `yaml:"c"`
}

// DefaultABC is the classic 80/15/5.
var DefaultABC = ABCThresholds{A: 80, B: 15, C: 5}

// OrDefault is t, or DefaultABC when t is unset.
func (t ABCThresholds) OrDefault() ABCThresholds {
	if t == (ABCThresholds{}) {
		return DefaultABC
	}
	return t
}

// Check says what is wrong with thresholds a person wrote.
func (t ABCThresholds) Check() error {
	if t == (ABCThresholds{}) {
		return nil
	}
	if t.A <= 0 || t.B <= 0 || t.C <= 0 {
		return fmt.Errorf("a, b and c must each be above 0 (got %g, %g, %g)", t.A, t.B, t.C)
	}
	if s := t.A + t.B + t.C; s < 99.999 || s > 100.001 {
		return fmt.Errorf("a + b + c must make 100 (got %g)", s)
	}
	return nil
}

// ABCRow is one ranked customer.
type ABCRow struct {
	Rank       int     `json:"rank"`
	PersonalID string  `json:"personal_id"`
	Kind       string  `json:"kind"`
	Name       string  `json:"name"`
	Revenue    float64 `json:"revenue"`
	Share      float64 `json:"share"`      // of the total revenue, 0..1
	Cumulative float64 `json:"cumulative"` // share of this customer and all before it
	Class      string  `json:"class"`
}

// ABCClass sums one class.
type ABCClass struct {
	Class     string  `json:"class"`
	Customers int     `json:"customers"`
	Revenue   float64 `json:"revenue"`
	Share     float64 `json:"revenue_share"`   // of the total revenue, 0..1
	CustShare float64 `json:"customers_share"` // of the ranked customers, 0..1
}

// ABCResult is the whole analysis.
type ABCResult struct {
	Thresholds ABCThresholds `json:"thresholds"`
	From       string        `json:"from,omitempty"` // the period ranked (ABCPeriod), YYYY-MM-DD
	To         string        `json:"to,omitempty"`
	Total      float64       `json:"total_revenue"`
	Customers  int           `json:"customers"`
	Classes    []ABCClass    `json:"classes"`
	Rows       []ABCRow      `json:"rows"`
}

// abcClass is the rule, in Go; abcRankSQL says the same in SQL, in the
// same arithmetic (percent times sums, no division), so that both agree
// exactly on the customer at a threshold.
func abcClass(rev, before, total float64, t ABCThresholds) string {
	switch {
	case total <= 0:
		return ""
	case rev <= 0:
		return "C"
	case before*100 < total*t.A:
		return "A"
	case before*100 < total*(t.A+t.B):
		return "B"
	}
	return "C"
}

// RankABC classes cards (dedupe -o, which has no store).
func RankABC(cards []crmkit.Card, t ABCThresholds) ABCResult {
	t = t.OrDefault()
	var rows []ABCRow
	for _, c := range cards {
		if c.Kind == crmkit.KindContactPerson {
			continue
		}
		rev, _ := strconv.ParseFloat(c.Revenue, 64)
		rows = append(rows, ABCRow{PersonalID: c.PersonalID, Kind: string(c.Kind), Name: c.Name, Revenue: rev})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Revenue != rows[j].Revenue {
			return rows[i].Revenue > rows[j].Revenue
		}
		return rows[i].PersonalID < rows[j].PersonalID
	})
	total := 0.0
	for _, r := range rows {
		total += max(r.Revenue, 0)
	}
	before := 0.0
	for i := range rows {
		rows[i].Class = abcClass(rows[i].Revenue, before, total, t)
		before += max(rows[i].Revenue, 0)
	}
	return summariseABC(rows, total, t)
}

// summariseABC numbers the ranked rows and sums the classes.
func summariseABC(rows []ABCRow, total float64, t ABCThresholds) ABCResult {
	res := ABCResult{Thresholds: t, Total: total, Customers: len(rows), Rows: rows}
	if res.Rows == nil {
		res.Rows = []ABCRow{}
	}
	classes := map[string]*ABCClass{}
	for _, c := range []string{"A", "B", "C"} {
		res.Classes = append(res.Classes, ABCClass{Class: c})
	}
	for i := range res.Classes {
		classes[res.Classes[i].Class] = &res.Classes[i]
	}
	cum := 0.0
	for i := range rows {
		r := &rows[i]
		r.Rank = i + 1
		if total > 0 {
			cum += max(r.Revenue, 0)
			r.Share, r.Cumulative = max(r.Revenue, 0)/total, cum/total
		}
		if c := classes[r.Class]; c != nil {
			c.Customers++
			c.Revenue += max(r.Revenue, 0)
		}
	}
	for i := range res.Classes {
		c := &res.Classes[i]
		if total > 0 {
			c.Share = c.Revenue / total
		}
		if len(rows) > 0 {
			c.CustShare = float64(c.Customers) / float64(len(rows))
		}
	}
	return res
}

// abcRankSQL ranks the cards as abcClass does: $1 is A, $2 is A+B (percent).
// Window functions: SQLite 3.25+, PostgreSQL and its distributed kin.
var abcRankSQL = abcRankOf(`SELECT personal_id, kind, name,
				COALESCE(CAST(revenue AS DOUBLE PRECISION), 0) AS rev
				FROM cards WHERE kind <> 'contact_person'`)

// abcPeriodSQL ranks the cards by the revenue of the rows dated $3 to $4.
var abcPeriodSQL = abcRankOf(`SELECT c.personal_id, c.kind, c.name, COALESCE(p.rev, 0) AS rev
				FROM cards c LEFT JOIN (SELECT r.personal_id, sum(CAST(s.revenue AS DOUBLE PRECISION)) AS rev
					FROM sightings s JOIN records r ON r.source = s.source AND r.source_key = s.source_key
					WHERE s.revenue_date >= $3 AND s.revenue_date <= $4 AND s.revenue IS NOT NULL
					GROUP BY r.personal_id) p ON p.personal_id = c.personal_id
				WHERE c.kind <> 'contact_person'`)

func abcRankOf(cards string) string {
	return `SELECT personal_id, kind, name, rev,
	CASE WHEN total <= 0 THEN '' WHEN rev <= 0 THEN 'C'
		WHEN prior * 100 < total * CAST($1 AS DOUBLE PRECISION) THEN 'A'
		WHEN prior * 100 < total * CAST($2 AS DOUBLE PRECISION) THEN 'B' ELSE 'C' END AS cls
	FROM (SELECT personal_id, kind, name, rev,
		COALESCE(sum(pos) OVER (ORDER BY rev DESC, personal_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prior,
		COALESCE(sum(pos) OVER (), 0) AS total
		FROM (SELECT personal_id, kind, name, rev, CASE WHEN rev > 0 THEN rev ELSE 0 END AS pos
			FROM (` + cards + `) c) p) r`
}

// ClassifyABC stores every card's class, once at the end of a run that
// changed cards: one set-wise statement over the whole distribution,
// writing only the cards whose class changes (so a re-import writes none).
func ClassifyABC(ctx context.Context, c Conn, t ABCThresholds) error {
	t = t.OrDefault()
	err := c.Exec(ctx, `UPDATE cards SET abc_class = r.cls FROM (`+abcRankSQL+`) r
		WHERE cards.personal_id = r.personal_id AND cards.abc_class <> r.cls`, t.A, t.A+t.B)
	if err == nil {
		err = c.Exec(ctx, "UPDATE cards SET abc_class = '' WHERE kind = 'contact_person' AND abc_class <> ''")
	}
	if err != nil {
		return fmt.Errorf("abc classes: %w", err)
	}
	return nil
}

// classifyAfter sets the ABC classes after a run's write. The whole
// ranking is computed again only when it may move (ranking: a revenue or
// a kind changed, a card with revenue merged away, an undo) or the
// thresholds differ from those the classes were set with; otherwise the
// run's cards without revenue (its new ones, or ones whose other fields
// changed) are C when anyone has revenue, as the full ranking would make
// them, and the rest keep their class. staged: the run's cards are in stage_cards.
// store_state's "abc" says with which thresholds the classes were set and
// whether anyone had revenue then.
func classifyAfter(ctx context.Context, c Conn, t ABCThresholds, ranking, staged bool) error {
	t = t.OrDefault()
	state, err := readState(ctx, c, "abc")
	if err != nil {
		return fmt.Errorf("abc classes: %w", err)
	}
	was, any, _ := strings.Cut(state, " ")
	if !ranking && staged && was == abcStateKey(t) {
		cls := ""
		if any == "1" {
			cls = "C"
		}
		err := c.Exec(ctx, `UPDATE cards SET abc_class = $1 WHERE personal_id IN (SELECT personal_id FROM stage_cards)
			AND kind <> 'contact_person' AND abc_class <> $1
			AND (revenue IS NULL OR CAST(revenue AS DOUBLE PRECISION) <= 0)`, cls)
		if err != nil {
			return fmt.Errorf("abc classes: %w", err)
		}
		return nil
	}
	return rankAll(ctx, c, t)
}

// rankAll classes every card (ClassifyABC) and says so in store_state.
func rankAll(ctx context.Context, c Conn, t ABCThresholds) error {
	if err := ClassifyABC(ctx, c, t); err != nil {
		return err
	}
	var ranked int
	if err := queryOne(ctx, c, "SELECT count(*) FROM (SELECT 1 FROM cards WHERE abc_class <> '' LIMIT 1) x", nil, &ranked); err != nil {
		return fmt.Errorf("abc classes: %w", err)
	}
	if err := writeState(ctx, c, "abc", fmt.Sprintf("%s %d", abcStateKey(t), ranked)); err != nil {
		return fmt.Errorf("abc classes: %w", err)
	}
	return nil
}

// abcStateKey names the thresholds classes were set with.
func abcStateKey(t ABCThresholds) string { return fmt.Sprintf("%g/%g/%g", t.A, t.B, t.C) }

// ABC ranks the store's customers with thresholds t (crmkit abc, the
// report): computed now, from the cards' revenue, in the store's SQL.
func (t Tables) ABC(ctx context.Context, th ABCThresholds) (ABCResult, error) {
	return t.rankABC(ctx, th, abcRankSQL+" ORDER BY rev DESC, personal_id", th.OrDefault().A, th.OrDefault().A+th.OrDefault().B)
}

// ABCPeriod ranks the store's customers by the revenue of the rows dated
// from..to (YYYY-MM-DD, both days in): each row of each file as its latest
// run read it, summed over the customer's records. Rows without a date
// are left out.
func (t Tables) ABCPeriod(ctx context.Context, th ABCThresholds, from, to string) (ABCResult, error) {
	th = th.OrDefault()
	res, err := t.rankABC(ctx, th, abcPeriodSQL+" ORDER BY rev DESC, personal_id", th.A, th.A+th.B, from, to)
	res.From, res.To = from, to
	return res, err
}

func (t Tables) rankABC(ctx context.Context, th ABCThresholds, query string, args ...any) (ABCResult, error) {
	th = th.OrDefault()
	var rows []ABCRow
	total := 0.0
	seq := Seq(t.seqQuery(ctx, query, args...),
		func(rs Rows, yield func(ABCRow, error) bool) {
			scanEach(rs, "abc", yield, func(r *ABCRow) []any {
				return []any{&r.PersonalID, &r.Kind, &r.Name, &r.Revenue, &r.Class}
			})
		})
	for r, err := range seq {
		if err != nil {
			return ABCResult{}, err
		}
		total += max(r.Revenue, 0)
		rows = append(rows, r)
	}
	return summariseABC(rows, total, th), nil
}
