package dedupe

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestKeyTable(t *testing.T) {
	tab := newKeyTable()
	a := tab.intern([]string{"inn:7707083893", "name:ромашка", "phone:+74951234567"})
	b := tab.intern([]string{"name:ромашка", "city:москва|иванов"})
	if want := []uint32{0, 1, 2}; !slices.Equal(a, want) {
		t.Fatalf("first record's numbers = %v, want %v", a, want)
	}
	if want := []uint32{1, 3}; !slices.Equal(b, want) {
		t.Fatalf("a known key keeps its number, a new one gets the next: %v, want %v", b, want)
	}
	if got := tab.namesOf(b); !slices.Equal(got, []string{"name:ромашка", "city:москва|иванов"}) {
		t.Fatalf("namesOf = %q", got)
	}
	if tab.len() != 4 || tab.name(3) != "city:москва|иванов" {
		t.Fatalf("len = %d, name(3) = %q", tab.len(), tab.name(3))
	}
	if got := tab.intern(nil); got == nil || len(got) != 0 {
		t.Fatalf("a record without keys has an empty, non-nil list (it marks them worked out): %#v", got)
	}
	tab.seal()
	if got := tab.namesOf([]uint32{3, 0}); !slices.Equal(got, []string{"city:москва|иванов", "inn:7707083893"}) {
		t.Fatalf("a sealed table still names its keys: %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("numbering a key after the table is sealed did not panic")
		}
	}()
	tab.intern([]string{"name:ромашка"})
}

// Records are numbered on all cores: every key gets one number, whichever
// goroutine saw it first, and a number names its key.
func TestKeyTableConcurrent(t *testing.T) {
	tab := newKeyTable()
	const workers, records = 4, 2000
	got := make([][][]uint32, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range records {
				keys := []string{fmt.Sprintf("email:c%d@mail.example", i), fmt.Sprintf("ini:иванов %d", i%37)}
				got[w] = append(got[w], tab.intern(keys))
			}
		})
	}
	wg.Wait()
	if want := records + 37; tab.len() != want {
		t.Fatalf("len = %d distinct keys, want %d", tab.len(), want)
	}
	for w := range workers {
		for i, ids := range got[w] {
			want := []string{fmt.Sprintf("email:c%d@mail.example", i), fmt.Sprintf("ini:иванов %d", i%37)}
			if names := tab.namesOf(ids); !slices.Equal(names, want) {
				t.Fatalf("worker %d record %d: %q, want %q", w, i, names, want)
			}
			if !slices.Equal(ids, got[0][i]) {
				t.Fatalf("worker %d record %d numbered %v, worker 0 %v", w, i, ids, got[0][i])
			}
		}
	}
}
