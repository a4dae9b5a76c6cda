package automaton

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// memoPatterns name members whose names differ from others only in
// their last byte or length ("source", "sourc", "sources"), names of 7,
// 8 and 15 bytes (the two words' edges) and one of 16 (too long for a
// node), and a name ("version") that is a pattern path in one scope and
// nobody's in another.
var memoPatterns = []string{
	`{"source":["aws.ec2"],"detail":{"state":["running"]}}`,
	`{"sources":["aws.s3"]}`,
	`{"account":["1"],"sevenAB":["7"],"eightABC":["8"]}`,
	`{"fifteenABCDEFG":["15"],"sixteenABCDEFGH":["16"]}`,
	`{"detail":{"version":["2"],"bucket":{"name":["logs"]}}}`,
}

// memoEvents lay the same names out in several orders and swap names
// that guesses compare alike but for a byte, so that a warm Matcher meets
// every name where it guessed another.
var memoEvents = []string{
	`{"version":"0","source":"aws.ec2","account":"1","detail":{"state":"running","version":"2"}}`,
	`{"version":"0","sources":"aws.ec2","account":"1","detail":{"state":"running","version":"2"}}`,
	`{"version":"0","sourc":"aws.ec2","account":"2","detail":{"version":"1","state":"running"}}`,
	`{"version":"0","sources":"aws.s3","account":"1","detail":{"bucket":{"name":"logs"},"state":"x"}}`,
	`{"source":"aws.ec2","version":"0","sevenAB":"7","eightABC":"8","detail":{"state":"running"}}`,
	`{"sevenAB":"7","eightABC":"8","fifteenABCDEFG":"15","sixteenABCDEFGH":"16"}`,
	`{"sevenAB":"x","eightABC":"8","fifteenABCDEFX":"15","sixteenABCDEFGH":"16"}`,
	`{"sevenAC":"7","eightABD":"8","fifteenABCDEFG":"15","sixteenABCDEFGX":"16"}`,
	`{"source":"aws.ec2","detail":{"state":"running"}}`,
	`{"source":"aws.ec2","detail":{"state":"running"},"source":"aws.s3"}`,
	`{"detail":{"state":"running"},"source":"aws.ec2"}`,
	`{"detail":{"bucket":{"name":"logs"}},"version":"2","source":"aws.ec2"}`,
	`{"source":"aws.ec2"}`,
	`{"sources":"aws.s3"}`,
	`{"account":"1"}`,
}

// TestNameMemo: a Matcher that has read other events answers as Match
// on each event, in every order the events come in (each guess it makes
// is tried against names that differ from it by a byte or its length).
func TestNameMemo(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, memoPatterns...)
	mt := m.NewMatcher()
	want := matchEach(t, mt, memoEvents)
	for round := range 3 * len(memoEvents) {
		for k := range memoEvents {
			ev := memoEvents[(k*(round+1)+round)%len(memoEvents)]
			got, err := mt.MatchTrusted(nil, []byte(ev))
			slices.Sort(got)
			if err != nil || !slices.Equal(got, want[ev]) {
				t.Fatalf("round %d: %s: MatchTrusted %v, %v; Match %v", round, ev, got, err, want[ev])
			}
		}
	}
}

// TestNameMemoWrites: what a Matcher remembers of a name does not
// outlive the snapshot it was read in: a name it learned nobody matches
// is found once a pattern names it, and a name it learned a pattern
// names is passed once that pattern is removed.
func TestNameMemoWrites(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"source":["aws.ec2"]}`)
	mt := m.NewMatcher()
	// (Each name before the last one read: MatchTrusted stops there.
	// The two events begin with different names, so that the object's
	// first name is found among the start's firsts.)
	evs := [][]byte{
		[]byte(`{"account":"123456789012","version":"0","id":"12345678","region":"r","source":"aws.ec2"}`),
		[]byte(`{"region":"r","version":"0","id":"12345678","account":"123456789012","source":"aws.ec2"}`),
	}
	match := func(want ...ID) {
		t.Helper()
		for range 3 { // the first read learns, the others guess
			for _, ev := range evs {
				got, err := mt.MatchTrusted(nil, ev)
				slices.Sort(got)
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("%s: MatchTrusted %v, %v; want %v", ev, got, err, want)
				}
			}
		}
	}
	match("0")
	add := func(id ID, src string) { t.Helper(); addPattern(t, m, id, src) }
	add("1", `{"account":["123456789012"]}`) // a path the scope lacked
	match("0", "1")
	add("2", `{"account":["123456789012"],"region":["r"]}`) // the same scope, copied
	match("0", "1", "2")
	if !m.Delete("1") {
		t.Fatal("Delete 1: not there")
	}
	match("0", "2")
	if !m.Delete("2") {
		t.Fatal("Delete 2: not there")
	}
	match("0")
}

// TestNameMemoCrowded: an event with more names than a Matcher has
// nodes, read over and over, still answers as Match (names share nodes
// and push each other out).
func TestNameMemoCrowded(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"source":["aws.ec2"],"f123":["x"]}`, `{"detail":{"f7":["y"]}}`)
	mt := m.NewMatcher()
	var b strings.Builder
	b.WriteString(`{"source":"aws.ec2"`)
	for k := range 600 {
		fmt.Fprintf(&b, `,"f%d":"%c"`, k, 'a'+k%26)
	}
	b.WriteString(`,"detail":{`)
	for k := range 300 {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"f%d":"y"`, k)
	}
	b.WriteString(`}}`)
	ev := []byte(b.String())
	want, err := mt.Match(nil, ev)
	if err != nil || len(want) != 1 || want[0] != "1" {
		t.Fatalf("Match %v, %v; want [1]", want, err)
	}
	for range 3 {
		if got, err := mt.MatchTrusted(nil, ev); err != nil || !slices.Equal(got, want) {
			t.Fatalf("MatchTrusted %v, %v; Match %v", got, err, want)
		}
	}
}

// TestNameMemoTurns: objects of two layouts that share names but not
// what follows them (a name's alt), long names before others (their own
// nodes, two of them sharing their first sixteen bytes), and more first
// names than a start held before, read in turns, answer as Match; once
// warm, the memo makes no new node (nothing is learned again).
func TestNameMemoTurns(t *testing.T) {
	m := compileAll(t, compiler.EventBridge,
		`{"source":["aws.ec2"],"detail":{"status":["shipped"]}}`,
		`{"recipientAccountId":["1"],"detail":{"customer":{"country":["US"]}}}`,
		`{"region":["q"],"detail":{"customer":{"city":["y"]}}}`,
		`{"detail":{"userIdentityLongName":{"type":["IAMUser"]}}}`,
	)
	mt := m.NewMatcher()
	evs := []string{
		`{"version":"0","source":"aws.ec2","detail":{"orderId":"o-1","status":"shipped","customer":{"country":"US","tier":"gold"}},"recipientAccountId":"1","region":"r"}`,
		`{"version":"0","source":"com.intl","detail":{"orderId":"o-2","customer":{"name":"x","city":"y"},"status":"new"},"recipientAccountIdX":"1","account":"2","region":"q"}`,
		`{"version":"0","source":"aws.ec2","detail":{"instance-id":"i-1","state":"running"},"recipientAccountId":"2","region":"q"}`,
		`{"version":"0","source":"aws.s3","detail":{"version":"0","bucket":{"name":"logs"}},"recipientAccountIdX":"1","region":"r"}`,
		`{"version":"0","source":"aws.ct","detail":{"eventSource":"ec2","userIdentityLongName":{"type":"IAMUser","userName":"u"}},"region":"r"}`,
		`{"version":"0","source":"aws.ct","detail":{"eventVersion":"1","userIdentityLongName":{"type":"Role","arn":"a"},"status":"shipped"},"region":"q"}`,
		`{"version":"0","source":"aws.ct","detail":{"awsRegion":"r","customer":{"city":"y","country":"US"}},"recipientAccountId":"1"}`,
	}
	want := matchEach(t, mt, evs)
	var warm nameMemo
	for round := range 6 {
		if round == 3 {
			warm = *mt.memo
		}
		for k := range evs {
			ev := evs[(k*(round+1)+round)%len(evs)]
			got, err := mt.MatchTrusted(nil, []byte(ev))
			slices.Sort(got)
			if err != nil || !slices.Equal(got, want[ev]) {
				t.Fatalf("round %d: %s: MatchTrusted %v, %v; Match %v", round, ev, got, err, want[ev])
			}
		}
	}
	for k := range warm.nodes {
		a, b := warm.nodes[k], mt.memo.nodes[k]
		if a.w0 != b.w0 || a.w1 != b.w1 || a.sc != b.sc || a.e != b.e {
			t.Errorf("node %d: made again after three rounds", k)
		}
	}
}

// TestNameMemoLongNames: names of 16 bytes or more, guessed by their
// tails (setTail), answer as Match: names of 16, 17, 24, 31 and 32 bytes
// (the tail's edges and one too long to keep), long names that share
// their first sixteen bytes, a long name with a dot or an escape in its
// tail, and long names whose 32 bytes run past the end of the input;
// and, after a write, a long name learned as nobody's is found once a
// pattern names it.
func TestNameMemoLongNames(t *testing.T) {
	m := compileAll(t, compiler.EventBridge,
		`{"recipientAccountIdX":["1"],"detail":{"requestParametersABCDEFGHIJKLMN":["31"]}}`,
		`{"responseElementsA":["a"],"responseElementsABCDEFGHIJKLMNO":["32"]}`,
		`{"responseElements":["16"]}`,
		`{"abcdefghijklmnopq":{"r":["dot"]}}`,
		`{"longNameABCDEFGHIJ":["esc"]}`,
		`{"sixteenABCDEFGH":["16"],"twentyFourABCDEFGHIJKLMN":["24"]}`,
	)
	evs := []string{
		`{"recipientAccountIdX":"1","responseElementsA":"a","responseElementsB":"a","detail":{"requestParametersABCDEFGHIJKLMN":"31"}}`,
		`{"recipientAccountIdX":"1","responseElements":"16","responseElementsA":"a"}`,
		`{"recipientAccountIdX":"1","responseElements":"x","responseElement":"16","responseElementsA":"a"}`,
		`{"recipientAccountIdX":"1","responseElementsA":"16","responseElements":"16"}`,
		`{"responseElementsB":"a","recipientAccountIdX":"1","responseElementsA":"b","detail":{"requestParametersABCDEFGHIJKLMX":"31"}}`,
		`{"recipientAccountIdY":"1","responseElementsABCDEFGHIJKLMNO":"32","sixteenABCDEFGH":"16","twentyFourABCDEFGHIJKLMN":"24"}`,
		`{"recipientAccountIdX":"1","responseElementsABCDEFGHIJKLMNP":"32","sixteenABCDEFGH":"16","twentyFourABCDEFGHIJKLMX":"24"}`,
		`{"abcdefghijklmnopq.r":"dot","longNameABCDEFGH\u0049J":"esc","recipientAccountIdX":"1"}`,
		`{"abcdefghijklmnopq":{"r":"dot"},"longNameABCDEFGHIJ":"esc","recipientAccountIdX":"1"}`,
		`{"abcdefghijklmnopq.s":"dot","longNameABCDEFGHIK":"esc","recipientAccountIdX":"1"}`,
		`{"x":1,"recipientAccountIdX":"1"}`,
		`{"x":1,"recipientAccountIdX":"2"}`,
		`{"recipientAccountIdX":"1","responseElementsA":"a"}`,
		`{"recipientAccountIdX":"1","responseElementsAB":"a"}`,
		`{"recipientAccountIdX":"1","responseElementsA":"a","lastNameABCDEFGHIJ":1}`,
		`{"recipientAccountIdX":"1","responseElementsA":"a","lastNameABCDEFGHIJK":1}`,
	}
	check := func() {
		t.Helper()
		want := matchEach(t, m.NewMatcher(), evs)
		// A fresh Matcher from each event: names that share their first
		// sixteen bytes share a node, and the first one read keeps its
		// tail there.
		for first := range evs {
			mt := m.NewMatcher()
			for round := range 3 * len(evs) {
				for k := range evs {
					ev := evs[(first+k*(round+1)+round)%len(evs)]
					got, err := mt.MatchTrusted(nil, []byte(ev))
					slices.Sort(got)
					if err != nil || !slices.Equal(got, want[ev]) {
						t.Fatalf("first %d, round %d: %s: MatchTrusted %v, %v; Match %v", first, round, ev, got, err, want[ev])
					}
				}
			}
		}
	}
	check()
	addPattern(t, m, "5", `{"responseElementsB":["a"]}`)
	check()
	addPattern(t, m, "6", `{"lastNameABCDEFGHIJ":[1]}`)
	check()
	if !m.Delete("5") {
		t.Fatal("Delete 5: not there")
	}
	check()
}

// matchEach is what Match answers on each of evs, sorted: the reference
// the memo tests hold MatchTrusted to.
func matchEach(t *testing.T, mt *Matcher, evs []string) map[string][]ID {
	t.Helper()
	want := map[string][]ID{}
	for _, ev := range evs {
		ids, err := mt.Match(nil, []byte(ev))
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		slices.Sort(ids)
		want[ev] = ids
	}
	return want
}

// TestNameNodeLine holds a name node to one cache line (a guess compares
// its words and reads its entry and links from the same line). Its 57
// bytes leave 7: a pathMatcher pointer beside the entry did not fit
// without moving the start nodes' firsts out of line (branch chain:
// clock-neutral on mixed-10000, more L1 misses by callgrind).
// TestMemoAligned checks that a memo's nodes start on a cache line
// (alignedMemo's pad is the 8-byte header the runtime puts before an
// object of pointers of its size): a node across two lines reads its pm
// from the second.
func TestMemoAligned(t *testing.T) {
	if on64 == 0 {
		t.Skip("nodes are not 64 bytes on 32-bit platforms")
	}
	var keep []*nameMemo
	for range 8 {
		mm := newMemo(nil)
		keep = append(keep, mm)
		if a := uintptr(unsafe.Pointer(&mm.nodes[0])) % 64; a != 0 {
			t.Fatalf("a memo's nodes start %d bytes into a line", a)
		}
	}
	runtime.KeepAlive(keep)
}

func TestNameNodeLine(t *testing.T) {
	if n := unsafe.Sizeof(nameNode{}); n > 64 || on64 == 1 && n != 64 {
		t.Fatalf("nameNode is %d bytes, want at most 64 (64 on 64-bit platforms, where alignedMemo puts each on a line)", n)
	}
}
