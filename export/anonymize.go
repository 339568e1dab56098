package export

import (
	"iter"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

// The tables written with --anonymize: the same rows with every person's
// name, phone, e-mail, address, INN and source-made key replaced by its
// fake (normalize.Anonymizer), organisations' names and INNs too when the
// anonymizer says All. Fakes are made from cleaned values, as the fakes of
// a file's cells cleanse to, so a table of the store and a run over
// anonymised files agree. Problem messages are left as they are: they
// were masked when they were made and hold no value whole.

// AnonymizeCards fakes a stream of cards.
func AnonymizeCards(cards iter.Seq2[crmkit.Card, error], a *normalize.Anonymizer) iter.Seq2[crmkit.Card, error] {
	return mapSeq(cards, func(c crmkit.Card) crmkit.Card { return AnonymizeCard(c, a) })
}

// AnonymizeCard fakes one card.
func AnonymizeCard(c crmkit.Card, a *normalize.Anonymizer) crmkit.Card {
	c.Name = a.Name(c.Kind, c.Name)
	c.LastName, c.FirstName, c.MiddleName = a.PersonName(c.LastName), a.PersonName(c.FirstName), a.PersonName(c.MiddleName)
	c.OrgName = a.OrgName(c.OrgName)
	c.INN = fakeINN(c.INN, a)
	c.Address = a.Address(c.Address, c.City)
	points := make([]crmkit.ContactPoint, len(c.ContactPoints))
	for i, cp := range c.ContactPoints {
		switch cp.Type {
		case crmkit.ContactPhone:
			cp.Value = a.Phone(cp.Value)
		case crmkit.ContactEmail:
			cp.Value = a.Email(cp.Value)
		}
		points[i] = cp
	}
	c.ContactPoints = points
	return c
}

func fakeINN(inn string, a *normalize.Anonymizer) string {
	if inn == "" {
		return ""
	}
	return a.INN(inn)
}

// AnonymizeLinks fakes the keys crmkit made from records' values ("h:…").
func AnonymizeLinks(links iter.Seq2[crmkit.Link, error], a *normalize.Anonymizer) iter.Seq2[crmkit.Link, error] {
	return mapSeq(links, func(l crmkit.Link) crmkit.Link {
		l.SourceKey = a.SourceKey(l.SourceKey)
		return l
	})
}

// AnonymizeReview fakes both records of every pair.
func AnonymizeReview(rows iter.Seq2[ReviewRow, error], a *normalize.Anonymizer) iter.Seq2[ReviewRow, error] {
	return mapSeq(rows, func(r ReviewRow) ReviewRow {
		r.A, r.B = anonymizeView(r.A, a), anonymizeView(r.B, a)
		return r
	})
}

func anonymizeView(v RecordView, a *normalize.Anonymizer) RecordView {
	v.Key = a.SourceKey(v.Key)
	v.Name = a.Name(guessKind(v.Name, v.INN), v.Name)
	v.INN = fakeINN(v.INN, a)
	v.Phones = mapList(v.Phones, a.Phone)
	v.Emails = mapList(v.Emails, a.Email)
	return v
}

// guessKind tells an organisation's name in a view, which does not say
// the kind: a legal form other than ИП, or an organisation's INN; anything
// else is faked as a person's (a pair to review shows no more).
func guessKind(name, inn string) crmkit.Kind {
	if o, _ := normalize.OrgName(name); (o.LegalForm != "" && o.LegalForm != "ИП") || len(inn) == 10 {
		return crmkit.KindOrganization
	}
	return crmkit.KindPerson
}

// mapList fakes each value of a "; "-joined list.
func mapList(s string, f func(string) string) string {
	if s == "" {
		return ""
	}
	parts := strings.Split(s, "; ")
	for i, p := range parts {
		parts[i] = f(p)
	}
	return strings.Join(parts, "; ")
}

// AnonymizeReport fakes everything of a report that names a customer: its
// cards, merges, review pairs and ABC ranking.
func AnonymizeReport(rep *Report, a *normalize.Anonymizer) {
	cards := make([]crmkit.Card, len(rep.Cards))
	for i, c := range rep.Cards {
		cards[i] = AnonymizeCard(c, a)
	}
	rep.Cards = cards
	merges := make([]Merge, len(rep.Merges))
	for i, m := range rep.Merges {
		m.Name = a.Name(m.Kind, m.Name)
		recs := make([]MergedRecord, len(m.Records))
		for j, r := range m.Records {
			r.Key, r.Name = a.SourceKey(r.Key), a.Name(r.Kind, r.Name)
			recs[j] = r
		}
		m.Records = recs
		merges[i] = m
	}
	rep.Merges = merges
	review := make([]ReviewRow, len(rep.Review))
	for i, r := range rep.Review {
		r.A, r.B = anonymizeView(r.A, a), anonymizeView(r.B, a)
		review[i] = r
	}
	rep.Review = review
	rows := make([]ABCRow, len(rep.ABC.Rows))
	for i, r := range rep.ABC.Rows {
		r.Name = a.Name(crmkit.Kind(r.Kind), r.Name)
		rows[i] = r
	}
	rep.ABC.Rows = rows
}

func mapSeq[T any](s iter.Seq2[T, error], f func(T) T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range s {
			if err == nil {
				v = f(v)
			}
			if !yield(v, err) {
				return
			}
		}
	}
}
