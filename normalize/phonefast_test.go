package normalize

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// sameAsSlow compares phonesFast with phonesSlow on one cell: when the fast
// path takes the cell, every field of every phone and problem must agree,
// nil slices included.
func sameAsSlow(t *testing.T, raw string, opt PhoneOptions) (fast bool) {
	t.Helper()
	got, gotP, ok := phonesFast(raw, opt)
	if !ok {
		return false
	}
	want, wantP := phonesSlow(raw, opt)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotP, wantP) {
		t.Errorf("phonesFast(%q, %+v) =\n  %#v %#v\nphonesSlow =\n  %#v %#v", raw, opt, got, gotP, want, wantP)
	}
	return true
}

// The cells the fast path takes, and neighbours it must leave alone.
var fastShapes = []struct {
	raw, area string
	fast      bool
}{
	{"+7 916 123-45-67", "", true},
	{"+7 (916) 123-45-67", "", true},
	{"+7(916)1234567", "", true},
	{"+79161234567", "", true},
	{"8 (916) 123-45-67", "", true},
	{"8 916 123 45 67", "", true}, // and the next two: testdata/gen's shapes
	{"+7 495 1234567", "", true},
	{"+1 310 246 1501", "", false},
	{"89161234567", "", true},
	{"79161234567", "", true},
	{"9161234567", "", true},
	{"8-495-123-45-67", "", true},
	{"(495) 123 45 67", "", true},
	{"(495)123-45-67", "", true},
	{"8 800 555 35 35", "", true},
	{"+7 701 123 45 67", "", true}, // Kazakhstan shares +7
	{"  8\u00a0495\u00a0123\u201345\u201367\u00a0\u00a0", "", true},
	{"\t(495)\t123-45-67\r", "", true},
	{"(8482) 23-45-67", "", true},
	{"123-45-67", "495", true},
	{"23-45-67", "8482", true},
	{"2-34-56", "84822", true},
	{"123-45-67", "(495)", true},
	{"((495)) 123--45--67", "", true},

	{"123-45-67", "", false},         // no area code: a problem
	{"123-45-67", "8482", false},     // the area code does not fit
	{"8 (000) 000-00-00", "", false}, // invalid
	{"8061234567", "", false},        // ten digits from 806: no such range
	{"0123456789", "", false},        // leading zero
	{"80123456789", "", false},
	{"+80123456789", "", false},
	{"+89161234567", "", false}, // another country code
	{"+ 7 916 123 45 67", "", false},
	{"+7 916 123 45 678", "", false},
	{"891612345678", "", false}, // twelve digits
	{"916123456", "", false},    // nine
	{"59161234567", "", false},  // eleven not from 7 or 8
	{"8 916 123 45 67 8 916 765 43 21", "", false},
	{"8 916 123 45 67, 8 916 765 43 21", "", false},
	{"8 (495) 123-45-67 доб. 123", "", false},
	{"моб. 8-916-123-45-67", "", false},
	{"8-916-123-45-67 (Иван)", "", false},
	{"8 916 123 45 67-", "", false},
	{"(8 916) 123 45 67)", "", false},
	{"-8 916 123 45 67", "", false},
	{")8 916 123 45 67", "", false},
	{"79161234567.0", "", false},
	{"7.9161234567E+10", "", false},
	{"8.916.123.45.67", "", false},
	{"495/123-45-67", "", false},
	{"8 495\n123 45 67", "", false},
	{"8916l234567", "", false},
	{"", "", false},
	{"112", "", false},
}

func TestPhonesFastShapes(t *testing.T) {
	for _, tt := range fastShapes {
		opt := PhoneOptions{Region: "RU", AreaCode: tt.area}
		if fast := sameAsSlow(t, tt.raw, opt); fast != tt.fast {
			t.Errorf("phonesFast(%q, area %q) took it: %v, want %v", tt.raw, tt.area, fast, tt.fast)
		}
	}
	for _, region := range []string{"", "RU", "ru", "rU"} {
		if !sameAsSlow(t, "89161234567", PhoneOptions{Region: region}) {
			t.Errorf("region %q: not taken", region)
		}
	}
	for _, region := range []string{"KZ", "US", "RUS", "R"} {
		if _, _, ok := phonesFast("89161234567", PhoneOptions{Region: region}); ok {
			t.Errorf("region %q: taken by the fast path, which knows Russia only", region)
		}
	}
}

// TestPhonesFastRealCorpus runs both paths over the 400 real cells and
// counts the cells the fast path takes: a change that quietly sends them
// all the slow way fails here.
func TestPhonesFastRealCorpus(t *testing.T) {
	rows := readTruth(t)
	fast := 0
	for _, row := range rows {
		if sameAsSlow(t, row.raw, PhoneOptions{Region: "RU", AreaCode: row.area}) {
			fast++
		}
	}
	t.Logf("fast path: %d of %d real cells", fast, len(rows))
	const floor = 200 // measured 2026-11: 201
	if fast < floor {
		t.Errorf("fast path took %d cells, fewer than the %d it took when measured", fast, floor)
	}
}

// TestNumberPlanMatchesLibrary checks the plan against GetNumberType on
// every four-digit prefix and on random numbers.
func TestNumberPlanMatchesLibrary(t *testing.T) {
	plan, err := numberPlan7()
	if err != nil {
		t.Fatalf("the plan was not built, the fast path is off: %v", err)
	}
	rnd := rand.New(rand.NewPCG(7, 7))
	check := func(n uint64) {
		var nsn [10]byte
		copy(nsn[:], fmt.Sprintf("%010d", n))
		kind, ok := plan.kind(&nsn)
		cc := int32(7)
		num := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}
		want, wantOK := phoneOf(num, "")
		if ok != wantOK || kind != want.Type {
			t.Fatalf("+7 %s: plan says %q %v, libphonenumber %q %v", nsn, kind, ok, want.Type, wantOK)
		}
	}
	for p := uint64(1000); p < 10000; p++ {
		check(p*1_000_000 + rnd.Uint64N(1_000_000))
	}
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	for range n {
		check(1_000_000_000 + rnd.Uint64N(9_000_000_000))
	}
}

func TestPhonesFastAllocs(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want float64
	}{
		{"+79161234567", 1},         // the result slice; E.164 is the cell itself
		{"8 (916) 123-45-67", 2},    // and the E.164 string
		{"(495)\u00a0123-45-67", 3}, // and the Raw with the NBSP folded
	} {
		if _, _, ok := phonesFast(tt.raw, PhoneOptions{}); !ok {
			t.Fatalf("%q: not taken", tt.raw)
		}
		if got := testing.AllocsPerRun(100, func() { phonesFast(tt.raw, PhoneOptions{}) }); got > tt.want {
			t.Errorf("phonesFast(%q): %v allocations, want at most %v", tt.raw, got, tt.want)
		}
	}
}

// FuzzPhonesFast is a differential test: on any cell the fast path takes,
// it must answer exactly as phonesSlow.
func FuzzPhonesFast(f *testing.F) {
	for _, s := range fastShapes {
		f.Add(s.raw, s.area, uint8(0))
	}
	for _, s := range []string{"+7 (495) 123-45-67, доб. 12", "7 916 123 45 67", "8-916-123-45-6", "+7(0)9161234567", "+7-916-123-45-67",
		"+()79161234567", "8 (495) 123-45-67 / 8 (916) 765-43-21", "тел.: 89161234567", "8\u2212916\u2212123\u22124567", "8\u2009916\u202f123\u200745 67",
		"(812)", "7 812 123 45 67 ", "77011234567", "7(7172)123456", "8 (3519) 29-25-28", "29-25-28", "8 (808) 123-45-67", "+7 809 123 45 67"} {
		f.Add(s, "495", uint8(1))
	}
	regions := []string{"", "RU", "ru", "KZ", "US", "Ru"}
	f.Fuzz(func(t *testing.T, raw, area string, region uint8) {
		sameAsSlow(t, raw, PhoneOptions{Region: regions[int(region)%len(regions)], AreaCode: area})
	})
}

// BenchmarkPhonesCommon parses the common shapes, the way the fast path
// and the way phonesSlow does.
func BenchmarkPhonesCommon(b *testing.B) {
	cells := []string{"+79161234567", "89161234567", "+7 (916) 123-45-67", "8 (495) 123-45-67", "(495) 123-45-67", "8 916 123 45 67", "123-45-67"}
	opt := PhoneOptions{Region: "RU", AreaCode: "495"}
	for _, c := range cells {
		if _, _, ok := phonesFast(c, opt); !ok {
			b.Fatalf("%q: not taken", c)
		}
	}
	b.Run("Fast", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			Phones(cells[i%len(cells)], opt)
		}
	})
	b.Run("Slow", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			phonesSlow(cells[i%len(cells)], opt)
		}
	})
}

// randomCell writes 5 to 12 digits with the separators of phone cells
// between them, now and then a character the fast path does not take.
func randomCell(rnd *rand.Rand) string {
	seps := []string{" ", " ", "(", ")", "-", "-", "\u00a0", "\t", "\r", "\u2013", "\u2212", "\u2007", "\u202f"}
	odd := []string{"+", "\n", "\u2008", ".", ",", "/", "д", "x", "доб. ", "E+10", "\ufeff", "\xff"}
	starts := []string{"", "", "+", "+7", "8", "7", " ", "(", "+(", "-", ")"}
	b := []byte(starts[rnd.IntN(len(starts))])
	n := []int{5, 6, 7, 9, 10, 10, 11, 11, 12}[rnd.IntN(9)]
	for i := range n {
		b = append(b, byte('0'+rnd.IntN(10)))
		switch r := rnd.IntN(100); {
		case i == n-1 && r >= 5:
		case r < 35:
			b = append(b, seps[rnd.IntN(len(seps))]...)
		case r < 37:
			b = append(b, odd[rnd.IntN(len(odd))]...)
		}
	}
	return string(b)
}

// TestPhonesFastRandomCells is FuzzPhonesFast on cells drawn from the
// alphabet of phone cells, for every test run.
func TestPhonesFastRandomCells(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 5))
	areas := []string{"", "495", "8482", "84822", "4 9 5", "012", "9"}
	regions := []string{"", "RU", "ru"}
	n, fast := 50_000, 0
	if testing.Short() {
		n = 5_000
	}
	for range n {
		if sameAsSlow(t, randomCell(rnd), PhoneOptions{Region: regions[rnd.IntN(len(regions))], AreaCode: areas[rnd.IntN(len(areas))]}) {
			fast++
		}
	}
	if fast == 0 {
		t.Errorf("none of %d random cells took the fast path", n)
	}
	t.Logf("fast path: %d of %d random cells", fast, n)
}
