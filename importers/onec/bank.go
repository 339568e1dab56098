package onec

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
	"golang.org/x/text/transform"
)

// readBank reads a 1CClientBankExchange statement: the payers and payees of
// its documents as organisations (INN, KPP, name, account). The Кодировка=
// line is not trusted: the encoding is told from the bytes. A party seen in
// many documents is one record, from the last document it is in.
func (r *Reader) readBank(emit func(crmkit.Record, []crmkit.Problem) bool) error {
	rc, err := r.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	sample, _ := br.Peek(64 << 10)
	name, bom, _ := importers.DetectEncoding(sample)
	br.Discard(bom)
	var text io.Reader = br
	if dec := importers.Decoder(name); dec != nil {
		text = transform.NewReader(br, dec)
	}
	r.info.Version = name
	type party struct {
		rec   crmkit.Record
		order int
	}
	parties := map[string]*party{}
	doc := map[string]string{}
	ordinal, inDoc := 0, false
	sc := bufio.NewScanner(text)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		k, v, _ := strings.Cut(strings.TrimRight(sc.Text(), "\r"), "=")
		switch {
		case line == 1 && k != "1CClientBankExchange":
			return fmt.Errorf("%s: %w: the first line is not 1CClientBankExchange", r.path, ErrMalformed)
		case k == "СекцияДокумент":
			ordinal, inDoc = ordinal+1, true
			r.info.Objects["СекцияДокумент"]++
			clear(doc)
		case k == "КонецДокумента":
			inDoc = false
			for _, side := range []string{"Плательщик", "Получатель"} {
				rec, key := r.bankParty(doc, side, ordinal)
				if key == "" {
					continue
				}
				if p, seen := parties[key]; seen {
					r.info.FoldedRepeats++
					p.rec = mergeSightings(p.rec, rec)
				} else {
					parties[key] = &party{rec: rec, order: len(parties)}
				}
			}
		case inDoc:
			doc[k] = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s line %d: %w", r.path, line, err)
	}
	if inDoc {
		return fmt.Errorf("%s line %d: %w: a document section is not closed (truncated?)", r.path, line, ErrMalformed)
	}
	ordered := make([]crmkit.Record, len(parties))
	for _, p := range parties {
		ordered[p.order] = p.rec
	}
	for _, rec := range ordered {
		if !emit(rec, nil) {
			return nil
		}
	}
	return nil
}

// bankParty is the payer or payee of one document.
func (r *Reader) bankParty(doc map[string]string, side string, ordinal int) (crmkit.Record, string) {
	inn, kpp := doc[side+"ИНН"], doc[side+"КПП"]
	name := doc[side+"1"]
	if name == "" {
		name = doc[side]
		// "ИНН 7707083893 ООО Ромашка": the short form carries the INN.
		if f := strings.Fields(name); len(f) > 2 && f[0] == "ИНН" {
			name = strings.Join(f[2:], " ")
		}
	}
	if inn == "" && name == "" {
		return crmkit.Record{}, ""
	}
	key := ""
	if inn != "" {
		key = "inn:" + inn + "/" + kpp
	}
	b := r.newRecord(key, ordinal, crmkit.KindUnknown)
	b.set(crmkit.FieldName, name)
	b.set(crmkit.FieldINN, inn)
	b.set(crmkit.FieldKPP, kpp)
	acc := doc[side+"Счет"]
	if bik := doc[side+"БИК"]; acc != "" && bik != "" {
		acc += " (БИК " + bik + ")"
	}
	b.extra("bank_accounts", acc)
	b.extra("Банк", doc[side+"Банк1"])
	if key == "" {
		key = "name:" + strings.ToLower(name)
	}
	return b.done(), key
}

// mergeSightings keeps the later sighting of a party and fills what it
// leaves empty from the earlier one (an account given in one document only).
func mergeSightings(earlier, later crmkit.Record) crmkit.Record {
	for k, v := range earlier.Fields {
		if later.Fields[k] == "" {
			later.Fields[k] = v
		}
	}
	for k, v := range earlier.Extra {
		if later.Extra == nil {
			later.Extra = map[string]string{}
		}
		if later.Extra[k] == "" {
			later.Extra[k] = v
		}
	}
	return later
}
