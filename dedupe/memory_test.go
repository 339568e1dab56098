package dedupe

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/normalize"
)

// memoryRecords are cleansed records of the kind a first import holds by
// the hundred thousand: people with a phone, an e-mail, a city, an
// address and a birth date.
func memoryRecords(n int) []crmkit.Record {
	lasts := []string{"Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Новиков", "Морозова"}
	firsts := []string{"Иван", "Мария", "Пётр", "Анна", "Денис", "Ольга", "Сергей", "Елена"}
	cities := []string{"Москва", "Самара", "Казань", "Тверь", "Новосибирск"}
	out := make([]crmkit.Record, n)
	for i := range out {
		r := crmkit.Record{Source: "bench", Key: fmt.Sprintf("%08d", i), Fields: map[string]string{
			crmkit.FieldName:      fmt.Sprintf("%s %s %sовна", lasts[i%len(lasts)], firsts[i/7%len(firsts)], firsts[i/3%len(firsts)]),
			crmkit.FieldPhone:     fmt.Sprintf("+7 916 %03d-%02d-%02d", i%1000, i/1000%100, i%97),
			crmkit.FieldEmail:     fmt.Sprintf("client%d@mail.example", i),
			crmkit.FieldCity:      cities[i%len(cities)],
			crmkit.FieldAddress:   fmt.Sprintf("ул. Ленина, д. %d, кв. %d", i%200, i%50),
			crmkit.FieldBirthDate: fmt.Sprintf("19%02d-%02d-%02d", 40+i%60, 1+i%12, 1+i%28),
		}}
		out[i], _ = normalize.Record(r, normalize.Options{Phone: normalize.PhoneOptions{Region: "RU"}})
	}
	return out
}

// retained is how many heap bytes per record what make returns keeps alive.
func retained(n int, make func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	held := make()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(held)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// BenchmarkHeldPerRecord reports what a run holds per record while it
// matches: the block keys of every record, and the features of those it
// scores. A run holds them for each of its records at once, so these
// figures times the rows are most of its peak memory.
func BenchmarkHeldPerRecord(b *testing.B) {
	const n = 20000
	recs := memoryRecords(n)
	var keys, feats float64
	for b.Loop() {
		keys = retained(n, func() any {
			out := make([][]string, n)
			for i := range recs {
				out[i] = BlockKeys(&recs[i])
			}
			return out
		})
		feats = retained(n, func() any {
			out := make([]*features, n)
			for i := range recs {
				out[i] = prepare(&recs[i])
			}
			return out
		})
	}
	b.ReportMetric(keys, "keys-B/record")
	b.ReportMetric(feats, "features-B/record")
}
