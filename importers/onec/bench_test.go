package onec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCommerceML reads the file named by CRMKIT_BENCH_CML
// (testdata/bench-import.sh makes one of 200 MB), or the orders fixture
// repeated. Records/s from records/op and ns/op; peak RSS with
// /usr/bin/time around the test binary.
func BenchmarkCommerceML(b *testing.B) {
	path := os.Getenv("CRMKIT_BENCH_CML")
	if path == "" {
		path = filepath.Join(b.TempDir(), "orders.xml")
		body := strings.Replace(ordersCML, "%s", "UTF-8", 1)
		head, docs, _ := strings.Cut(body, "\n")
		docs = strings.TrimSuffix(strings.TrimSpace(docs), "</КоммерческаяИнформация>")
		docs = strings.TrimPrefix(docs, `<КоммерческаяИнформация ВерсияСхемы="2.10">`)
		os.WriteFile(path, []byte(head+"\n<КоммерческаяИнформация ВерсияСхемы=\"2.10\">"+strings.Repeat(docs, 2000)+"</КоммерческаяИнформация>"), 0o644)
	}
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, err := range r.Rows() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		b.ReportMetric(float64(n), "records/op")
	}
}
