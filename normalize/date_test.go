package normalize

import "testing"

func TestDate(t *testing.T) {
	for raw, want := range map[string]string{
		"12.03.2021":          "2021-03-12",
		"1.3.2021":            "2021-03-01",
		"12/03/2021":          "2021-03-12",
		"12-03-2021":          "2021-03-12",
		"12.03.21":            "2021-03-12",
		"12.03.85":            "1985-03-12",
		"12.03.2021 0:00:00":  "2021-03-12",
		"2021-03-12":          "2021-03-12",
		"2021-03-12T10:15:00": "2021-03-12",
		"12 марта 2021 г.":    "2021-03-12",
		"12 марта 2021 года":  "2021-03-12",
		"1 янв 2020":          "2020-01-01",
		"12 Мая 1990":         "1990-05-12",
		"44267":               "2021-03-12",
		"44267.5":             "2021-03-12",
		"19560409":            "1956-04-09",
		"09041956":            "1956-04-09",
		"20121999":            "1999-12-20",
		"19561309":            "",
		"31.02.2021":          "",
		"32.01.2021":          "",
		"12 мартобря 2021":    "",
		"вчера":               "",
		"":                    "",
	} {
		got, problems := Date(raw)
		if got != want {
			t.Errorf("Date(%q) = %q, want %q", raw, got, want)
		}
		if want == "" && raw != "" && !hasCode(problems, DateInvalid) {
			t.Errorf("Date(%q): no %s", raw, DateInvalid)
		}
		if got != "" {
			if again, _ := Date(got); again != got {
				t.Errorf("Date is not idempotent: %q → %q → %q", raw, got, again)
			}
		}
	}
}

func TestMoney(t *testing.T) {
	for raw, want := range map[string]string{
		"1 234 567,89 руб.":      "1234567.89",
		"1\u00a0234\u00a0567,89": "1234567.89",
		"1.234.567,89":           "1234567.89",
		"1,234,567.89":           "1234567.89",
		"1234567.89":             "1234567.89",
		"(1 000)":                "-1000",
		"-1000 р.":               "-1000",
		"1 000 ₽":                "1000",
		"1000,50":                "1000.5",
		"0,00":                   "0",
		"1.234.567":              "1234567",
		"1,234":                  "1234",
		"$ 25.00":                "25",
		"12'345.10":              "12345.1",
		"много":                  "",
		"":                       "",
	} {
		got, _ := Money(raw)
		if got != want {
			t.Errorf("Money(%q) = %q, want %q", raw, got, want)
		}
		if got != "" {
			if again, ps := Money(got); again != got || len(ps) > 0 {
				t.Errorf("Money is not idempotent: %q → %q → %q %v", raw, got, again, ps)
			}
		}
	}
	if _, ps := Money("1,234"); !hasCode(ps, MoneyAmbiguous) {
		t.Errorf("ambiguous amount not reported")
	}
	if _, ps := Money("много"); !hasCode(ps, MoneyInvalid) {
		t.Errorf("invalid amount not reported")
	}
}
