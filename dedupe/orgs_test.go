package dedupe

import (
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

// business is a record as normalize leaves a row of name, address, city and
// perhaps a phone, its kind told by nothing but its name.
func business(key, name, address, city, phone, region string) crmkit.Record {
	raw := crmkit.Record{Source: "s", Key: key, Fields: map[string]string{crmkit.FieldName: name, crmkit.FieldAddress: address,
		crmkit.FieldCity: city, crmkit.FieldPhone: phone}}
	r, _ := normalize.Record(raw, normalize.Options{Phone: normalize.PhoneOptions{Region: region}})
	return r
}

// An organisation with an equal name, address and city and no phone or INN
// is one customer with the hand-set weights; one name in another city, at
// another address of the same city (a chain) or another name at the same
// address (a neighbour) are not.
func TestOrganisationsWithoutPhoneOrINN(t *testing.T) {
	recs := []crmkit.Record{
		business("1", "Arnie Morton's of Chicago", "435 S. La Cienega Blvd.", "Los Angeles", "", "US"),
		business("2", "Arnie Mortons of Chicago", "435 South La Cienega Blv.", "Los Angeles", "", "US"),
		business("3", "Arnie Morton's of Chicago", "1050 N. State St.", "Chicago", "", "US"),
		business("4", "Arnie Morton's of Chicago", "9001 Wilshire Blvd.", "Los Angeles", "", "US"),
		business("5", "Art's Deli", "435 S. La Cienega Blvd.", "Los Angeles", "", "US"),
		business("6", "The Hotel Bel-Air", "701 Stone Canyon Rd.", "Bel Air", "310/472-1211", "US"),
		business("7", "Bel-Air Hotel", "701 Stone Canyon Road", "Bel Air", "", "US"),
		business("8", "ООО «Ромашка»", "ул. Ленина, д. 5, офис 12", "Тверь", "", "RU"),
		business("9", "Ромашка", "улица Ленина, дом 5", "г. Тверь", "", "RU"),
		business("10", "ООО «Ромашка»", "пр-т Мира, д. 17", "Тверь", "", "RU"),
		business("11", "ООО «Торговый дом Север»", "ул. Лесная, д. 50", "Казань", "", "RU"),
		business("12", "ТД Север", "Лесная ул., 50", "КАЗАНЬ", "8 (843) 460-81-43", "RU"),
	}
	res := assign(t, recs)
	same := func(a, b int) bool { return res.IDs[a] == res.IDs[b] }
	for _, p := range [][2]int{{0, 1}, {5, 6}, {7, 8}, {10, 11}} {
		if !same(p[0], p[1]) {
			t.Errorf("%q at %q and %q at %q: one business, kept apart", recs[p[0]].Fields["name"], recs[p[0]].Fields["address"],
				recs[p[1]].Fields["name"], recs[p[1]].Fields["address"])
		}
	}
	for _, p := range [][2]int{{0, 2}, {0, 3}, {0, 4}, {7, 9}} {
		if same(p[0], p[1]) {
			t.Errorf("%q at %q and %q at %q in %s: two businesses, merged", recs[p[0]].Fields["name"], recs[p[0]].Fields["address"],
				recs[p[1]].Fields["name"], recs[p[1]].Fields["address"], recs[p[1]].Fields["city"])
		}
	}
}

// Two rows of one business whose name and street are both mistyped share
// no name or address key; the city with the house number brings them
// together, and the city with the name's first word when the street
// number differs in writing.
func TestBlockKeysReachMistypedBusinesses(t *testing.T) {
	shared := func(a, b crmkit.Record) []string {
		var out []string
		for _, k := range BlockKeys(&a) {
			if slices.Contains(BlockKeys(&b), k) {
				out = append(out, k)
			}
		}
		return out
	}
	a := business("1", "Okafor Restaurant", "6197 Peaachtree Dr.", "West Hollywood", "", "US")
	b := business("2", "Okafor's Restaurant", "6197 Peachhtree Dr.", "W. Hollywood", "", "US")
	if got := shared(a, b); !slices.Equal(got, []string{keyHouse + "west hollywood|6197"}) {
		t.Errorf("shared keys %q", got)
	}
	c := business("3", "Hotel Happy Onion", "9408 Highland Blvd. Suite 5", "Las Vegas", "", "US")
	d := business("4", "Hotel Happy Oion - Main St.", "Highland Blvd., 9408", "Las Vegas", "", "US")
	if got := shared(c, d); !slices.Contains(got, keyCity+"las vegas|hotel") {
		t.Errorf("shared keys %q", got)
	}
}
