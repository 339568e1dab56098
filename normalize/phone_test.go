package normalize

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmkit/crmkit"
)

func TestPhones(t *testing.T) {
	tests := []struct {
		raw, area string
		want      string // "e164[#ext];…"
		problem   string // a code that must be among the problems, or ""
	}{
		{"+7 (495) 123-45-67", "", "+74951234567", ""},
		{"8 (495) 123-45-67", "", "+74951234567", ""},
		{"8-916-123-45-67", "", "+79161234567", ""},
		{"89161234567", "", "+79161234567", ""},
		{"79161234567", "", "+79161234567", ""},
		{"9161234567", "", "+79161234567", ""},
		{"7.9161234567E+10", "", "+79161234567", ""},
		{"79161234567.0", "", "+79161234567", ""},
		{"+7 916 123 45 67", "", "+79161234567", ""},
		{"+7(916)1234567", "", "+79161234567", ""},
		{"8 800 555-35-35", "", "+78005553535", ""},
		{"(812) 123-45-67", "", "+78121234567", ""},
		{"812 123 45 67", "", "+78121234567", ""},
		{"123-45-67", "495", "+74951234567", PhoneAreaCodeAssumed},
		{"123-45-67", "", "", PhoneNoAreaCode},
		{"23-45-67", "8482", "+78482234567", PhoneAreaCodeAssumed},
		{"8 (495) 123-45-67, 8 (916) 765-43-21", "", "+74951234567;+79167654321", ""},
		{"8(495)123-45-67; 8(916)765-43-21", "", "+74951234567;+79167654321", ""},
		{"8-495-123-45-67 / 8-916-765-43-21", "", "+74951234567;+79167654321", ""},
		{"8 916 123 45 67 8 916 765 43 21", "", "+79161234567;+79167654321", ""},
		{"8 (495) 123-45-67\n8 (916) 765-43-21", "", "+74951234567;+79167654321", ""},
		{"(495) 236-27-16, 236-27-09", "", "+74952362716;+74952362709", ""},
		{"+7 (495) 123-45-67 доб. 123", "", "+74951234567#123", ""},
		{"+7 (495) 123-45-67 доб.123", "", "+74951234567#123", ""},
		{"+7 (495) 123-45-67, доп. 45", "", "+74951234567#45", ""},
		{"8 495 123 45 67 ext. 9", "", "+74951234567#9", ""},
		{"8 495 123 45 67 #200", "", "+74951234567#200", ""},
		{"8 495 123 45 67 (вн. 12)", "", "+74951234567#12", ""},
		{"моб. 8-916-123-45-67 (Иван)", "", "+79161234567", ""},
		{"тел/факс: (495) 123-45-67", "", "+74951234567", ""},
		{"8 (495) 123-45-67, 8 (495) 123-45-67", "", "+74951234567", ""},
		{"8\u00a0495\u00a0123\u201345\u201367", "", "+74951234567", ""},
		{"+44 20 7946 0958", "", "+442079460958", ""},
		{"810 44 20 7946 0958", "", "+442079460958", ""},
		{"00 49 30 1234567", "", "+49301234567", ""},
		{"+375 29 123-45-67", "", "+375291234567", ""},
		{"код 8-351-9 факс 29-25-28", "", "+73519292528", ""},
		{"не подключен", "495", "", PhoneNoNumber},
		{"-", "495", "", PhoneNoNumber},
		{"112", "", "", PhoneNoNumber},
		{"12.03.2021", "", "", PhoneBadLength},
		{"8 (000) 000-00-00", "", "", PhoneInvalid},
		{"1234567890123456", "", "", PhoneBadLength},
		{"", "495", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			phones, problems := Phones(tt.raw, PhoneOptions{Region: "RU", AreaCode: tt.area})
			var got []string
			for _, p := range phones {
				s := p.E164
				if p.Extension != "" {
					s += "#" + p.Extension
				}
				got = append(got, s)
			}
			if g := strings.Join(got, ";"); g != tt.want {
				t.Errorf("Phones(%q) = %q, want %q (problems %v)", tt.raw, g, tt.want, problems)
			}
			if tt.problem != "" && !hasCode(problems, tt.problem) {
				t.Errorf("Phones(%q) problems %v, want %s", tt.raw, problems, tt.problem)
			}
			if tt.problem == "" && len(problems) > 0 {
				t.Errorf("Phones(%q) unexpected problems %v", tt.raw, problems)
			}
			for _, p := range problems {
				if p.Field != crmkit.FieldPhone || p.Severity == "" {
					t.Errorf("problem %+v lacks field or severity", p)
				}
			}
		})
	}
}

// A slash after a part too short to be a number joins it to the number
// after it ("310/246-1501", as US lists write area codes); between two
// whole numbers it still separates them.
func TestPhonesSlashedAreaCode(t *testing.T) {
	for _, tt := range []struct{ raw, region, want string }{
		{"310/246-1501", "US", "+13102461501"},
		{"310 / 246-1501", "US", "+13102461501"},
		{"310/246-1501, 212/555-0100", "US", "+13102461501;+12125550100"},
		{"495/123-45-67", "RU", "+74951234567"},
		{"8 (495) 123-45-67 / 8 (916) 765-43-21", "RU", "+74951234567;+79167654321"},
	} {
		phones, problems := Phones(tt.raw, PhoneOptions{Region: tt.region})
		var got []string
		for _, p := range phones {
			got = append(got, p.E164)
		}
		if g := strings.Join(got, ";"); g != tt.want || len(problems) > 0 {
			t.Errorf("Phones(%q, %s) = %q %v, want %q", tt.raw, tt.region, g, problems, tt.want)
		}
	}
}

func TestPhonesMessagesAreMasked(t *testing.T) {
	_, problems := Phones("123-45-67", PhoneOptions{})
	if len(problems) != 1 {
		t.Fatalf("want one problem, got %v", problems)
	}
	if strings.Contains(problems[0].Message, "123-45-67") {
		t.Errorf("message shows the full number: %q", problems[0].Message)
	}
}

func hasCode(ps []crmkit.Problem, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

// FuzzPhones checks that no cell panics the parser and that a found number,
// fed back, gives itself.
func FuzzPhones(f *testing.F) {
	for _, s := range []string{"+7 (495) 123-45-67 доб. 12", "8 916 123 45 67 8 916 765 43 21", "код 8-351-9 факс 29-25-28", "7.9161234567E+10", "доб.", "(((", "8-", "+",
		"1541400536259928A6132 4595329215 ( 53"} { // a group without digits after a long number: panicked
		f.Add(s, "495")
	}
	f.Fuzz(func(t *testing.T, raw, area string) {
		phones, _ := Phones(raw, PhoneOptions{Region: "RU", AreaCode: area})
		for _, p := range phones {
			again, problems := Phones(p.E164, PhoneOptions{Region: "RU"})
			if len(again) != 1 || again[0].E164 != p.E164 || len(problems) > 0 {
				t.Fatalf("Phones(%q) gave %s, which normalises to %v %v", raw, p.E164, again, problems)
			}
		}
	})
}

func TestPhoneTypeLabelComment(t *testing.T) {
	phones, _ := Phones("моб. 8-916-123-45-67 (Иван), факс: (495) 123-45-67, 8 800 555 35 35", PhoneOptions{Region: "RU"})
	want := []crmkit.Phone{
		{E164: "+79161234567", Type: "mobile", Label: "mobile", Comment: "Иван"},
		{E164: "+74951234567", Type: "fixed", Label: "fax"},
		{E164: "+78005553535", Type: "toll_free"},
	}
	if len(phones) != len(want) {
		t.Fatalf("phones %+v", phones)
	}
	for i, w := range want {
		p := phones[i]
		if p.E164 != w.E164 || p.Type != w.Type || p.Label != w.Label || p.Comment != w.Comment {
			t.Errorf("phone %d = %+v, want %+v", i, p, w)
		}
	}
}

func TestPhoneMemo(t *testing.T) {
	m := NewPhoneMemo(2)
	opt := PhoneOptions{Region: "RU", AreaCode: "495"}
	for i := 0; i < 3; i++ {
		for _, raw := range []string{"123-45-67", "8 916 123 45 67", "нет"} {
			got, gotP := m.Phones(raw, opt)
			want, wantP := Phones(raw, opt)
			if fmt.Sprint(got, gotP) != fmt.Sprint(want, wantP) {
				t.Errorf("memo(%q) = %v %v, want %v %v", raw, got, gotP, want, wantP)
			}
			if len(got) > 0 {
				got[0].E164 = "changed by the caller"
			}
		}
	}
	if len(m.seen) > 2 {
		t.Errorf("memo holds %d cells, max 2", len(m.seen))
	}
	if other, _ := m.Phones("123-45-67", PhoneOptions{Region: "RU", AreaCode: "812"}); other[0].E164 != "+78121234567" {
		t.Errorf("memo mixed up options: %v", other)
	}
}

// messyPhones makes n phone cells in the forms real files hold, with
// distinct cells only one in five (a customer base repeats its numbers).
func messyPhones(n int) []string {
	rnd := rand.New(rand.NewPCG(1, 2))
	forms := []string{"+7 (%03d) %03d-%02d-%02d", "8 (%03d) %03d-%02d-%02d доб. 12", "8%03d%03d%02d%02d", "7%03d%03d%02d%02d",
		"%03d %03d %02d %02d", "моб. 8-%03d-%03d-%02d-%02d (Иван)", "тел/факс: (%03d) %03d-%02d-%02d, 8 916 000 00 00"}
	distinct := make([]string, n/5+1)
	for i := range distinct {
		codes := []int{495, 499, 812, 916, 903, 926, 985, 343}
		distinct[i] = fmt.Sprintf(forms[rnd.IntN(len(forms))], codes[rnd.IntN(len(codes))], 100+rnd.IntN(900), rnd.IntN(100), rnd.IntN(100))
		if rnd.IntN(10) == 0 {
			distinct[i] = fmt.Sprintf("%03d-%02d-%02d", 100+rnd.IntN(900), rnd.IntN(100), rnd.IntN(100)) // local
		}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = distinct[rnd.IntN(len(distinct))]
	}
	return out
}

// BenchmarkPhones parses a million messy cells: -cpu 1 for one core,
// the Parallel variants for all; Memo remembers repeated cells.
func BenchmarkPhones(b *testing.B) {
	cells := messyPhones(1_000_000)
	opt := PhoneOptions{Region: "RU", AreaCode: "495"}
	b.Run("Parse", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			Phones(cells[i%len(cells)], opt)
		}
	})
	b.Run("Memo", func(b *testing.B) {
		m := NewPhoneMemo(1 << 20)
		for i := 0; b.Loop(); i++ {
			m.Phones(cells[i%len(cells)], opt)
		}
	})
	b.Run("ParseParallel", func(b *testing.B) {
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				Phones(cells[int(next.Add(1))%len(cells)], opt)
			}
		})
	})
	b.Run("MemoParallel", func(b *testing.B) {
		m := NewPhoneMemo(1 << 20)
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.Phones(cells[int(next.Add(1))%len(cells)], opt)
			}
		})
	})
}
