package dedupe

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"os"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/importers"
	"github.com/crmkit/crmkit/normalize"
)

// modelHash is the SHA-256 of a model's JSON: two models with the same
// hash have the same λ, m, u, term frequencies, sources and wrong dates,
// to the last bit.
func modelHash(p *Params) string {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestTrainGolden pins the models Train estimates from fixed corpora to
// the hashes of those the code before the faster Train (issue 11) made:
// making Train faster must not change the model by a bit. The hashes are
// of amd64's floating point (arm64 may fuse a multiply and an add).
func TestTrainGolden(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("SKIP: the golden hashes are amd64's floating point, not %s's", runtime.GOARCH)
	}
	for _, c := range []struct {
		name string
		recs func(*testing.T) []crmkit.Record
		hash string
	}{
		{"memory-20000", func(*testing.T) []crmkit.Record { return memoryRecords(20000) }, "37b2fe05636e923e275f8c2edd1fcc1e7c054a884c4b32782a6123e85ab707d1"},
		{"household", func(*testing.T) []crmkit.Record { return household(40) }, "6db254f3eee28ab48d87601911967a6a54956eedacff989b34a45dca083fed59"},
		{"febrl3", func(t *testing.T) []crmkit.Record { r, _ := febrlRecords(t); return r }, "a4ff20ece2637db1523a3466eaeb95566a69e87bb69432333cf4af1b3388a893"},
		{"fake1000", func(t *testing.T) []crmkit.Record { r, _ := fakeRecords(t); return r }, "ec46e8e647656fc7238a7bfc0b7b75bbdb532d9d0741723cc5b8ac47a476192a"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := modelHash(Train(c.recs(t), Config{})); got != c.hash {
				t.Errorf("model hash %s, want %s", got, c.hash)
			}
		})
	}
}

// trainRecords are the records of the CSV file $CRMKIT_TRAIN_CSV as an
// import cleanses them (testdata/gen -rows N makes one), or nil. With
// $CRMKIT_TRAIN_CACHE the cleansed records are kept in that file (gob) and
// read from it next time: cleansing a million rows takes longer than
// training on them.
func trainRecords(tb testing.TB) []crmkit.Record {
	path := os.Getenv("CRMKIT_TRAIN_CSV")
	if path == "" {
		tb.Skip("SKIP: CRMKIT_TRAIN_CSV names no file (go run ./testdata/gen -rows 250000 -o FILE makes one)")
	}
	cache := os.Getenv("CRMKIT_TRAIN_CACHE")
	if cache != "" {
		if f, err := os.Open(cache); err == nil {
			defer f.Close()
			var recs []crmkit.Record
			if err := gob.NewDecoder(f).Decode(&recs); err != nil {
				tb.Fatalf("read %s: %v", cache, err)
			}
			return recs
		}
	}
	r, err := importers.Open(path, importers.Options{Source: "bench"})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	opt := normalize.Options{Phone: normalize.PhoneOptions{Region: "RU"}, Memo: normalize.NewPhoneMemo(200_000)}
	var recs []crmkit.Record
	for row, err := range r.Rows() {
		if err != nil {
			tb.Fatal(err)
		}
		if row.OK {
			rec, _ := normalize.Record(row.Record, opt)
			recs = append(recs, rec)
		}
	}
	if cache != "" {
		f, err := os.Create(cache)
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		if err := gob.NewEncoder(f).Encode(recs); err != nil {
			tb.Fatalf("write %s: %v", cache, err)
		}
	}
	return recs
}

// BenchmarkTrain trains on $CRMKIT_TRAIN_CSV and logs the model's hash.
// live-MB is the most the heap held live (as the last collection marked
// it, sampled every 20 ms) while training beyond what it held before.
func BenchmarkTrain(b *testing.B) {
	recs := trainRecords(b)
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	peak := base
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(sample)
				peak = max(peak, sample[0].Value.Uint64())
			}
		}
	}()
	b.ResetTimer()
	var p *Params
	for range b.N {
		p = Train(recs, Config{})
	}
	b.StopTimer()
	close(done)
	<-stopped
	b.ReportMetric(float64(peak-base)/(1<<20), "live-MB")
	b.Logf("%d records: model %s", len(recs), modelHash(p))
}
