package dedupe

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
)

// TestFebrlMisses finds the true pairs of Febrl 3 a run leaves apart, and
// why: the veto, the levels and the weight of each, the birth dates' and
// names' difference; it holds that none is kept apart by a birth date (the
// model finds Febrl's dates untrustworthy). The list itself is a
// diagnostic: CRMKIT_DIAG=1 go test -run FebrlMisses -v (CRMKIT_DIAG=one:
// the originals and their first duplicates only).
func TestFebrlMisses(t *testing.T) {
	diag := os.Getenv("CRMKIT_DIAG") != ""
	recs, truth := febrlRecords(t)
	if os.Getenv("CRMKIT_DIAG") == "one" {
		recs, _ = febrlOnePerOriginal(t)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Key < recs[j].Key })
	cfg := Config{}
	cfg.Model = Train(recs, cfg)
	cfg = cfg.WithDefaults()
	share := keyShare{}
	for i := range recs {
		for _, k := range BlockKeys(&recs[i]) {
			share[k]++
		}
	}
	set := make([]*Stored, len(recs))
	for i := range recs {
		set[i] = &Stored{Record: recs[i]}
	}
	p, err := match(context.Background(), set, newKeyTable(), share, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	feats := prepareAll(recs)
	byEntity := map[string][]int{}
	for i := range recs {
		e := truth[skOf(&recs[i])]
		byEntity[e] = append(byEntity[e], i)
	}
	classes := map[string]int{}
	missed := 0
	var lines []string
	for _, members := range byEntity {
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				a, b := members[x], members[y]
				if p.cluster[a] == p.cluster[b] {
					continue
				}
				missed++
				c := compare(feats[a], feats[b], cfg, share, false)
				v, _ := compareAll(feats[a], feats[b])
				candidate := false
				kb := BlockKeys(&recs[b])
				for _, k := range BlockKeys(&recs[a]) {
					if keyClass(k, share[k], cfg) != classIgnored && contains(kb, k) {
						candidate = true
						break
					}
				}
				why := "below review"
				switch {
				case c.Veto != "" && c.Score >= cfg.Merge:
					why = "veto (would merge): " + c.Veto
				case c.Veto != "":
					why = "veto (would not merge): " + c.Veto
				case !candidate:
					why = "no shared key"
				case c.Score >= cfg.Merge:
					why = "merge refused (cluster)"
				case c.Score >= cfg.Review:
					why = "grey zone"
				}
				dc := dateDiff(recs[a].Fields[crmkit.FieldBirthDate], recs[b].Fields[crmkit.FieldBirthDate])
				classes[why]++
				classes[why+" | date "+dc]++
				classes["date "+dc]++
				classes["name level "+levelName(0, v[0])]++
				lines = append(lines, fmt.Sprintf("%s | %s %s | %s %s | %s | dates %s/%s (%s) | vec %v | %s",
					why, recs[a].Key, recs[b].Key, recs[a].NameKey, recs[b].NameKey, recs[a].Fields[crmkit.FieldAddress]+" / "+recs[b].Fields[crmkit.FieldAddress],
					recs[a].Fields[crmkit.FieldBirthDate], recs[b].Fields[crmkit.FieldBirthDate], dc, v, c.Explanation()))
			}
		}
	}
	if diag {
		sort.Strings(lines)
		for _, l := range lines {
			t.Log(l)
		}
		var ks []string
		for k := range classes {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			t.Logf("%5d %s", classes[k], k)
		}
	}
	t.Logf("%d true pairs missed", missed)
	for _, why := range []string{"veto (would merge): different birth dates", "veto (would not merge): different birth dates"} {
		if classes[why] > 0 {
			t.Errorf("%d true pairs kept apart by %q: the model trusts Febrl's birth dates", classes[why], why)
		}
	}
	if missed > 120 { // 93 measured
		t.Errorf("%d true pairs of Febrl 3 missed", missed)
	}
}

func contains(s []string, k string) bool {
	i := sort.SearchStrings(s, k)
	return i < len(s) && s[i] == k
}

func levelName(c int, l int8) string {
	if l == Null {
		return "missing"
	}
	return comparators[c].levels[l]
}

// dateDiff says how two ISO birth dates differ.
func dateDiff(a, b string) string {
	switch {
	case a == "" || b == "":
		return "missing"
	case a == b:
		return "equal"
	case len(a) != 10 || len(b) != 10:
		return "malformed"
	case a[:4] == b[:4] && a[5:7] == b[8:10] && a[8:10] == b[5:7]:
		return "day/month swapped"
	}
	d := editDistance(a, b)
	diffs := 0
	for i := range a {
		if a[i] != b[i] {
			diffs++
		}
	}
	part := func() string {
		var p []string
		if a[:4] != b[:4] {
			p = append(p, "year")
		}
		if a[5:7] != b[5:7] {
			p = append(p, "month")
		}
		if a[8:10] != b[8:10] {
			p = append(p, "day")
		}
		return strings.Join(p, "+")
	}()
	switch {
	case d == 1 && diffs == 1:
		return "one digit (" + part + ")"
	case d == 1:
		return "transposed digits (" + part + ")"
	}
	return fmt.Sprintf("%d edits (%s)", d, part)
}
