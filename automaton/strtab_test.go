package automaton

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// strTabKeys makes sets of string keys of every length class the hash
// reads differently, with shared heads and tails.
func strTabKeys(r *rand.Rand, n int) []string {
	heads := []string{"", "a", "aws.", "arn:aws:ec2:us-east-1:", "\u00e9t\u00e9 "}
	tails := []string{"", "z", ".amazonaws.com", "/instance", "-1"}
	keys := map[string]bool{}
	for len(keys) < n {
		var b strings.Builder
		b.WriteString(heads[r.Intn(len(heads))])
		for k := r.Intn(20); k > 0; k-- {
			b.WriteByte("abcXYZ019-/."[r.Intn(12)])
		}
		b.WriteString(tails[r.Intn(len(tails))])
		keys[b.String()] = true
	}
	out := make([]string, 0, n)
	for k := range keys {
		out = append(out, k)
	}
	return out
}

func TestStrTabMatchesTrie(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	built := 0
	for round := 0; round < 300; round++ {
		keys := strTabKeys(r, 1+r.Intn(strTabMax))
		var root *node
		created, nkeys := 0, 0
		for i, k := range keys {
			root = insert(root, []byte(k), placeEnd, 0, 0, mark{pred: int32(i)}, 1, &created, &nkeys)
		}
		tab := buildStrTab(root, strTabMax, nil)
		if tab == nil {
			continue // keys too alike: the walk reads them (tested below)
		}
		built++
		probes := append([]string(nil), keys...)
		for _, k := range keys {
			// Near misses: one byte changed, one more, one less.
			b := []byte(k)
			if len(b) > 0 {
				b[r.Intn(len(b))] ^= 1
				probes = append(probes, string(b), k[:len(k)-1])
			}
			probes = append(probes, k+"x")
		}
		for _, p := range probes {
			s := tab.find([]byte(p))
			got := slotMarks(s)
			want := exactMarks(root, []byte(p))
			if fmt.Sprint(got) != fmt.Sprint(onceEach(want)) {
				t.Fatalf("round %d: find(%q) = %v, the trie says %v", round, p, got, want)
			}
			if s != nil {
				checkSlotOne(t, s, want)
			}
		}
	}
	if built < 250 {
		t.Fatalf("only %d of 300 key sets got a table", built)
	}
}

// checkSlotOne checks what a slot says of its marks end: one is the
// predicate of a lone plain mark, else -1.
func checkSlotOne(t *testing.T, s *strSlot, end []mark) {
	t.Helper()
	want := int32(-1)
	if end = onceEach(end); len(end) == 1 && end[0].verify == verifyNone && end[0].ab == nil {
		want = end[0].pred
	}
	if s.one != want || s.plain != plainMarks(end) {
		t.Fatalf("slot %q: one %d plain %v, its marks %v say %d", s.keyString(), s.one, s.plain, end, want)
	}
}

func TestStrTabRefusals(t *testing.T) {
	created, nkeys := 0, 0
	var root *node
	for i := 0; i < strTabMax+1; i++ {
		root = insert(root, []byte(fmt.Sprint("v", i)), placeEnd, 0, 0, mark{pred: int32(i)}, 1, &created, &nkeys)
	}
	if buildStrTab(root, strTabMax, nil) != nil {
		t.Errorf("a table was built for %d keys, more than %d", strTabMax+1, strTabMax)
	}
	root = nil
	root = insert(root, []byte("aws.ec2"), placeEnd, 0, 0, mark{pred: 1}, 1, &created, &nkeys)
	root = insert(root, []byte("aws."), placePass, 0, 0, mark{pred: 2}, 1, &created, &nkeys)
	if buildStrTab(root, strTabMax, nil) != nil {
		t.Error("a table was built for a branch with a prefix mark")
	}
	// Keys that agree in length and in their first, middle and last
	// eight bytes all hash alike: the probe bound refuses the table.
	root = nil
	for i := 0; i < 20; i++ {
		k := fmt.Sprintf("AAAAAAAA%cBBBBBBBB%cCCCCCCCC", 'a'+i, 'a'+i)
		root = insert(root, []byte(k), placeEnd, 0, 0, mark{pred: int32(i)}, 1, &created, &nkeys)
	}
	if buildStrTab(root, strTabMax, nil) != nil {
		t.Error("a table was built for keys that all hash alike")
	}
}

// TestStrTabFollowsWrites: a path of exact values gets a table, loses it
// when a prefix joins them, and gets it back when the prefix goes; the
// matches stay those of the trie throughout.
func TestStrTabFollowsWrites(t *testing.T) {
	m := New(Config{})
	add := func(id ID, src string) { t.Helper(); addPattern(t, m, id, src) }
	tab := func() *strTab {
		return m.snap.Load().sub[inputEvent].index["source"].pm.strTab
	}
	match := func(ev string) string {
		ids, err := m.Match([]byte(ev))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ids)
	}
	add("ec2", `{"source":["aws.ec2"]}`)
	add("s3", `{"source":["aws.s3","aws.ec2"]}`)
	if tab() == nil {
		t.Fatal("no table for a path of exact values")
	}
	if got := match(`{"source":"aws.ec2"}`); got != "[ec2 s3]" {
		t.Errorf("aws.ec2 matched %s", got)
	}
	add("aws", `{"source":[{"prefix":"aws."}]}`)
	if tab() != nil {
		t.Error("a table beside a prefix")
	}
	if got := match(`{"source":"aws.s3"}`); got != "[s3 aws]" && got != "[aws s3]" {
		t.Errorf("aws.s3 matched %s", got)
	}
	m.Delete("aws")
	if tab() == nil {
		t.Error("no table once the prefix is gone")
	}
	if got := match(`{"source":"aws.s3"}`); got != "[s3]" {
		t.Errorf("aws.s3 matched %s after the delete", got)
	}
	if got := match(`{"source":"aws.s"}`); got != "[]" {
		t.Errorf("aws.s matched %s", got)
	}
}

// TestStrTabExactMax: a path of more values than strTabMax, up to
// strExactMax, gets its exact table, added one by one (updated) and at
// once (AddAll); one value more leaves it the trie; every value matches
// on both paths either way.
func TestStrTabExactMax(t *testing.T) {
	for _, n := range []int{strTabMax + 1, strExactMax, strExactMax + 1} {
		for _, all := range []bool{false, true} {
			m := New(Config{})
			var ps []*compiler.Pattern
			var ids []ID
			for i := 0; i < n; i++ {
				src := fmt.Sprintf(`{"detail":{"user":["user%d"]}}`, i)
				p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
				if err != nil {
					t.Fatal(err)
				}
				if all {
					ps, ids = append(ps, p), append(ids, ID(fmt.Sprint(i)))
				} else if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
					t.Fatal(err)
				}
			}
			if all {
				if err := m.AddAll(ids, ps); err != nil {
					t.Fatal(err)
				}
			}
			tab := m.snap.Load().sub[inputEvent].index["detail.user"].pm.strTab
			if (tab != nil) != (n <= strExactMax) {
				t.Errorf("%d values (AddAll %v): table %v", n, all, tab != nil)
			}
			mt := m.NewMatcher()
			for i := 0; i <= n; i++ {
				ev := []byte(fmt.Sprintf(`{"detail":{"user":"user%d"}}`, i))
				want := fmt.Sprint([]ID{ID(fmt.Sprint(i))})
				if i == n {
					want = "[]"
				}
				got, err := mt.Match(nil, ev)
				gotT, errT := mt.MatchTrusted(nil, ev)
				if err != nil || errT != nil || fmt.Sprint(got) != want || fmt.Sprint(gotT) != want {
					t.Fatalf("%d values (AddAll %v), user%d: Match %v %v, MatchTrusted %v %v, want %s", n, all, i, got, err, gotT, errT, want)
				}
			}
		}
	}
}

// TestStrTabUpdates: after each of many random writes to one path (exact
// values added and deleted, one at a time or in batches, now and then a
// prefix), the path's table, updated key by key or rebuilt, finds what
// the trie holds for every value ever used.
func TestStrTabUpdates(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	m := New(Config{})
	vals := strTabKeys(r, 24)
	compile := func(src string) *compiler.Pattern {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	updated, withForms := 0, 0
	for step := 0; step < 400; step++ {
		old := m.snap.Load().sub[inputEvent].index["v"].pm
		switch k := r.Intn(10); {
		case k < 6:
			id := ID(fmt.Sprint("p", r.Intn(30)))
			src := `{"v":[` + q(vals[r.Intn(len(vals))]) + `,` + q(vals[r.Intn(len(vals))]) + `]}`
			if r.Intn(20) == 0 {
				src = `{"v":[{"prefix":` + q(vals[r.Intn(len(vals))]) + `}]}`
			}
			if err := m.Add(id, compile(src)); err != nil {
				t.Fatal(err)
			}
		case k < 8:
			m.Delete(ID(fmt.Sprint("p", r.Intn(30))))
		default:
			var ids []ID
			var ps []*compiler.Pattern
			for n := r.Intn(30); n > 0; n-- {
				ids = append(ids, ID(fmt.Sprint("p", r.Intn(30))))
				ps = append(ps, compile(`{"v":[`+q(vals[r.Intn(len(vals))])+`]}`))
			}
			if err := m.AddAll(ids, ps); err != nil {
				t.Fatal(err)
			}
		}
		pm := m.snap.Load().sub[inputEvent].index["v"].pm
		if pm == nil || pm.strTab == nil {
			continue
		}
		if old != nil && old.strTab != nil && pm.strTab != old.strTab && len(pm.strTab.slots) == len(old.strTab.slots) {
			updated++
		}
		for _, v := range vals {
			s := pm.strTab.find([]byte(v))
			got := slotMarks(s)
			want := exactMarks(pm.str, []byte(v))
			if fmt.Sprint(got) != fmt.Sprint(onceEach(want)) {
				t.Fatalf("step %d: %q: table %v, trie %v", step, v, got, want)
			}
			if s != nil {
				checkSlotOne(t, s, want)
			}
			checkTabForms(t, pm.strTab, v, s, step)
		}
		if pm.strTab.esc != nil {
			withForms++
		}
	}
	if withForms < 50 {
		t.Errorf("only %d tables had a table of forms", withForms)
	}
	if updated < 50 {
		t.Errorf("only %d writes updated a table in place of a rebuild", updated)
	}
}

// checkTabForms: the written forms of key v (escforms.go), whose slot
// in tab is s, find what s holds where it is plain, nothing else; a table
// without forms holds keys without them, or more forms than it may keep.
func checkTabForms(t *testing.T, tab *strTab, v string, s *strSlot, step int) {
	t.Helper()
	var want []mark
	if s != nil && s.plain {
		want = slotMarks(s)
	}
	for _, f := range escForms(nil, v) {
		if tab.esc == nil {
			if want != nil && !tab.escOver {
				t.Fatalf("step %d: %q: no table of forms", step, v)
			}
			continue
		}
		if got := slotMarks(tab.esc.find([]byte(f))); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d: form %q of %q finds %v, want %v", step, f, v, got, want)
		}
	}
	if tab.escOver {
		fresh := *tab
		if fresh.withEscForms(); !fresh.escOver {
			t.Fatalf("step %d: a table over its forms, built anew, is not", step)
		}
	}
}

// slotMarks returns the end marks a slot stands for (nil for no slot):
// a plain key keeps only its marks' predicates, each a plain mark.
// onceEach returns plain marks end with each predicate once, as a slot
// keeps them (plainPreds); other marks as they are.
func onceEach(end []mark) []mark {
	if len(end) == 0 || !plainMarks(end) {
		return end
	}
	var ms []mark
	for _, p := range plainPreds(end) {
		ms = append(ms, mark{pred: p})
	}
	return ms
}

func slotMarks(s *strSlot) []mark {
	switch {
	case s == nil:
		return nil
	case !s.plain:
		return s.marks()
	}
	var ms []mark
	for _, p := range s.preds() {
		ms = append(ms, mark{pred: p})
	}
	return ms
}

// TestStrSlotPreds: a plain key keeps its predicates inline up to
// len(ids) and apart beyond; a key with any other mark keeps its marks.
func TestStrSlotPreds(t *testing.T) {
	for n := 1; n <= 9; n++ {
		var end []mark
		for i := 0; i < n; i++ {
			end = append(end, mark{pred: int32(100 + i)})
		}
		s := newSlot("k", end)
		if !s.plain || len(s.preds()) != n || fmt.Sprint(slotMarks(&s)) != fmt.Sprint(end) {
			t.Fatalf("%d plain marks: plain %v, preds %v", n, s.plain, s.preds())
		}
		if inline := n <= len(s.ids); inline != (s.far == nil) {
			t.Fatalf("%d plain marks: inline %v, far %v", n, inline, s.far)
		}
		// A predicate twice (a list that names a value twice) is kept once.
		twice := append(slices.Clone(end), end...)
		if s := newSlot("k", twice); len(s.preds()) != n || fmt.Sprint(slotMarks(&s)) != fmt.Sprint(end) || (n == 1) != (s.one == end[0].pred) {
			t.Fatalf("%d plain marks twice: preds %v, one %d", n, s.preds(), s.one)
		}
		end[n-1].ab = &abCond{pred: 7}
		s = newSlot("k", end)
		if s.plain || fmt.Sprint(s.marks()) != fmt.Sprint(end) {
			t.Fatalf("%d marks, one an exclusion: plain %v, marks %v", n, s.plain, s.marks())
		}
	}
}

// TestStrTabMiddle holds find's compare of a key's middle to a plain
// compare: for every length from 17 to 64 (three words at once up to
// 40, midEqual's loop above) and every byte between the first and last
// eight, a value differing from the key there alone is not found. (Most
// of those bytes are outside the words strHash reads, so the value
// hashes as the key does and only the compare tells them apart.)
func TestStrTabMiddle(t *testing.T) {
	for n := 17; n <= 64; n++ {
		key := make([]byte, n)
		for i := range key {
			key[i] = byte('a' + i%26)
		}
		created, nkeys := 0, 0
		root := insert(nil, key, placeEnd, 0, 0, mark{pred: 7}, 1, &created, &nkeys)
		tab := buildStrTab(root, strTabMax, nil)
		if tab == nil {
			t.Fatalf("n=%d: no table for one key", n)
		}
		if s := tab.find(slices.Clone(key)); s == nil || s.one != 7 {
			t.Fatalf("n=%d: the key is not found", n)
		}
		for i := 8; i < n-8; i++ {
			v := slices.Clone(key)
			v[i] ^= 0x40
			if tab.find(v) != nil {
				t.Fatalf("n=%d: a value differing at byte %d is found", n, i)
			}
			if midEqual(string(key), v) {
				t.Fatalf("n=%d: midEqual tells keys differing at byte %d equal", n, i)
			}
		}
	}
}
