package dedupe

import (
	"slices"

	"github.com/crmkit/crmkit"
)

// clusters is a union-find over records that
// knows, per cluster, what may not be joined: its valid INNs, birth dates
// and whether it holds people or organisations.
type clusters struct {
	parent, size []int
	first        []int // the least record index of each cluster: a name for it that does not depend on union order
	inns, births []valueSet
	org, person  []bool
	cannot       [][2]int // cannot-link decisions, by record index
	lenientDates bool     // a mistyped birth date is not a second one (matching with a model)
}

func newClusters(recs []*Stored, n int) *clusters {
	c := &clusters{parent: make([]int, n), size: make([]int, n), first: make([]int, n), inns: make([]valueSet, n),
		births: make([]valueSet, n), org: make([]bool, n), person: make([]bool, n)}
	for i := range n {
		c.parent[i], c.first[i], c.size[i] = i, i, 1
		if i >= len(recs) {
			continue // no data: only the shape of the union
		}
		r := &recs[i].Record
		if inn := r.Fields[crmkit.FieldINN]; inn != "" {
			c.inns[i] = valueSet{inn}
		}
		if d := r.Fields[crmkit.FieldBirthDate]; d != "" {
			c.births[i] = valueSet{d}
		}
		c.org[i] = r.Kind == crmkit.KindOrganization
		c.person[i] = r.Kind == crmkit.KindPerson || r.Kind == crmkit.KindContactPerson
	}
	return c
}

func (c *clusters) find(i int) int {
	for c.parent[i] != i {
		c.parent[i] = c.parent[c.parent[i]]
		i = c.parent[i]
	}
	return i
}

// conflict: joining the two clusters would put two valid INNs, two birth
// dates, or a person and an organisation (other than an ИП with its own
// INN) into one customer.
func (c *clusters) conflict(a, b int) bool {
	if differ(c.inns[a], c.inns[b]) || c.datesDiffer(c.births[a], c.births[b]) {
		return true
	}
	mixed := (c.org[a] && c.person[b]) || (c.person[a] && c.org[b])
	sameINN := len(c.inns[a]) == 1 && len(c.inns[b]) == 1 && !differ(c.inns[a], c.inns[b])
	return mixed && !sameINN
}

func (c *clusters) datesDiffer(x, y valueSet) bool {
	if !c.lenientDates {
		return differ(x, y)
	}
	for _, k := range x {
		for _, l := range y {
			if datesClash(k, l, true) {
				return true
			}
		}
	}
	return false
}

// forbidden: a cannot-link decision holds one record of each cluster.
func (c *clusters) forbidden(a, b int) bool {
	for _, p := range c.cannot {
		x, y := c.find(p[0]), c.find(p[1])
		if (x == a && y == b) || (x == b && y == a) {
			return true
		}
	}
	return false
}

// valueSet is the distinct values (INNs, birth dates) of a cluster: one
// or none for nearly every cluster, so a slice, not a map (a map of one
// was ~250 bytes a record: 31 MB of a 130k-record run).
type valueSet []string

func differ(x, y valueSet) bool {
	for _, k := range x {
		for _, l := range y {
			if k != l {
				return true
			}
		}
	}
	return false
}

func (c *clusters) union(a, b int) {
	if c.size[a] < c.size[b] {
		a, b = b, a
	}
	c.parent[b] = a
	c.size[a] += c.size[b]
	c.first[a] = min(c.first[a], c.first[b])
	c.inns[a] = merge(c.inns[a], c.inns[b])
	c.births[a] = merge(c.births[a], c.births[b])
	c.org[a] = c.org[a] || c.org[b]
	c.person[a] = c.person[a] || c.person[b]
}

// merge is x with y's values added; x may be reused (its cluster absorbs y's).
func merge(x, y valueSet) valueSet {
	if len(x) == 0 {
		return y
	}
	for _, v := range y {
		if !slices.Contains(x, v) {
			x = append(x, v)
		}
	}
	return x
}
