package dedupe

import (
	"fmt"
	"sort"

	"github.com/crmkit/crmkit"
)

// naming is the personal ID of every cluster of a set.
type naming struct {
	of      map[int]string // cluster → personal ID
	order   []int          // clusters, the one holding the oldest record first
	aliases map[string]string
	revived []string
	split   int
}

// age orders records by first sighting: stored ones by the store's order,
// then the run's new ones as read.
func age(s *Stored) [2]int64 {
	if s.Seq > 0 {
		return [2]int64{0, s.Seq}
	}
	return [2]int64{1, int64(s.Ord)}
}

func older(a, b [2]int64) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// name gives every cluster its personal ID. Clusters go oldest first; each
// keeps the oldest of its records' IDs whose oldest record it holds (so
// when a customer splits, the part with its oldest record keeps the ID);
// a part left without one gets back an ID its records were first given if
// that is an alias now, else a new one. Every other ID of the set becomes
// an alias of the customer holding its oldest record.
func (r *resolver) name(set []*Stored, p partition) (naming, error) {
	n := naming{of: map[int]string{}, aliases: map[string]string{}}
	oldest := map[int][2]int64{}
	members := map[int][]int{}
	holder, holderAge := map[string]int{}, map[string][2]int64{}
	clustersOf := map[string]map[int]bool{}
	for i, s := range set {
		c := p.cluster[i]
		a := age(s)
		if o, ok := oldest[c]; !ok || older(a, o) {
			oldest[c] = a
		}
		members[c] = append(members[c], i)
		if id := s.PersonalID; id != "" {
			if o, ok := holderAge[id]; !ok || older(a, o) {
				holder[id], holderAge[id] = c, a
			}
			if clustersOf[id] == nil {
				clustersOf[id] = map[int]bool{}
			}
			clustersOf[id][c] = true
		}
	}
	for c := range members {
		n.order = append(n.order, c)
	}
	sort.Slice(n.order, func(i, j int) bool { return older(oldest[n.order[i]], oldest[n.order[j]]) })
	for _, cs := range clustersOf {
		if len(cs) > 1 {
			n.split++
		}
	}
	var firsts []string
	for _, s := range set {
		if _, live := holder[s.FirstID]; s.FirstID != "" && !live {
			firsts = append(firsts, s.FirstID)
		}
	}
	var retired map[string]string
	if len(firsts) > 0 {
		var err error
		if retired, err = r.idx.Aliases(r.ctx, uniqueSorted(firsts)); err != nil {
			return n, fmt.Errorf("read aliases: %w", err)
		}
	}
	claimed := map[string]bool{}
	for _, c := range n.order {
		var ids, fs []string
		for _, i := range members[c] {
			if id := set[i].PersonalID; id != "" && holder[id] == c {
				ids = append(ids, id)
			}
			if f := set[i].FirstID; f != "" {
				if _, ok := retired[f]; ok {
					fs = append(fs, f)
				}
			}
		}
		id := ""
		if ids = uniqueSorted(ids); len(ids) > 0 {
			id = ids[0]
		}
		for _, f := range uniqueSorted(fs) {
			if id != "" {
				break
			}
			if !claimed[f] {
				id = f
				n.revived = append(n.revived, f)
			}
		}
		if id == "" {
			if r.opt.NewID == nil {
				return n, fmt.Errorf("no way to issue personal IDs")
			}
			id = r.opt.NewID()
		}
		claimed[id] = true
		n.of[c] = id
	}
	for id, c := range holder {
		if !claimed[id] {
			n.aliases[id] = n.of[c]
		}
	}
	return n, nil
}

// cards builds the card of every cluster of the set, with a contact
// person's organisation found by the source's own reference or by name,
// among the set first and then in the store.
func (r *resolver) cards(set []*Stored, p partition, n naming) ([]crmkit.Card, error) {
	prio := r.opt.Priority
	if prio == nil {
		prio = func(string) int { return 0 }
	}
	sv := survivor{priority: prio}
	members := map[int][]*Stored{}
	for i, s := range set {
		members[p.cluster[i]] = append(members[p.cluster[i]], s)
	}
	orgBySK := map[crmkit.SourceKey]string{}
	orgByName := map[string][]string{}
	var askSK []crmkit.SourceKey
	var askName []string
	for _, s := range set {
		if s.Kind == crmkit.KindOrganization {
			orgBySK[skOf(&s.Record)] = s.PersonalID
			if s.NameKey != "" {
				orgByName[s.NameKey] = append(orgByName[s.NameKey], s.PersonalID)
			}
		}
	}
	for _, s := range set {
		if sk := (crmkit.SourceKey{Source: s.Source, Key: s.OrgSourceKey}); s.OrgSourceKey != "" && orgBySK[sk] == "" {
			askSK = append(askSK, sk)
		}
		if s.OrgKey != "" {
			askName = append(askName, keyName+s.OrgKey)
		}
	}
	if len(askSK) > 0 {
		got, err := r.idx.BySourceKeys(r.ctx, askSK)
		if err != nil {
			return nil, fmt.Errorf("find organisations: %w", err)
		}
		for _, o := range got {
			if o.Kind == crmkit.KindOrganization {
				orgBySK[skOf(&o.Record)] = o.PersonalID
			}
		}
	}
	if len(askName) > 0 {
		got, err := r.idx.ByIndexKeys(r.ctx, uniqueSorted(askName))
		if err != nil {
			return nil, fmt.Errorf("find organisations: %w", err)
		}
		for _, o := range got {
			if o.Kind == crmkit.KindOrganization && !r.inSet(skOf(&o.Record)) && o.NameKey != "" {
				orgByName[o.NameKey] = append(orgByName[o.NameKey], o.PersonalID)
			}
		}
	}
	out := make([]crmkit.Card, 0, len(n.order))
	for _, c := range n.order {
		id := n.of[c]
		card := sv.card(id, members[c])
	find:
		for _, m := range sv.rank(members[c], nil) {
			if m.Kind != crmkit.KindContactPerson && m.OrgKey == "" && m.OrgSourceKey == "" {
				continue
			}
			if org := orgBySK[crmkit.SourceKey{Source: m.Source, Key: m.OrgSourceKey}]; m.OrgSourceKey != "" && org != "" && org != id {
				card.OrgID = org
				break
			}
			for _, org := range uniqueSorted(orgByName[m.OrgKey]) {
				if org != id {
					card.OrgID = org
					break find
				}
			}
		}
		out = append(out, card)
	}
	return out, nil
}
