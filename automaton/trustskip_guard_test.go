//go:build linux

package automaton

import (
	"math/rand"
	"syscall"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestTrustedSkipperGuardPages puts inputs against unreadable pages, right
// before one and right after another, so that a skipper reading a byte
// before or past its input faults instead of passing: the word loads and
// the SIMD kernels' blocks and last windows must stay inside the slice;
// and Match and MatchTrusted as a whole, on events cut at every length.
func TestTrustedSkipperGuardPages(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err) // not a result: the other tests still run
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mprotect(mem[2*page:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	mid := mem[page : 2*page : 2*page]
	// Whole matches too, on events cut at every length: what the skipper
	// is handed comes from the scanner around it.
	mt := compileAll(t, compiler.EventBridge, trustedPatterns...).NewMatcher()
	events := []string{
		`{"a":"x","b":{"c":"v1","d":{"e":1}},"l":[{"k":"q","n":2}],"z":{"p":"\\\"}{","q":[[1,2],{"r":"s"}]}}`,
		`{"z":[{"q":"\ud83d\ude00 and a long string past a block of sixty-four bytes"}],"a":[null],"n":-0.5e+3,"b":{"c":"v"}}`,
	}
	for _, ev := range events {
		for size := 0; size <= len(ev); size++ {
			for _, at := range []int{0, page - size} {
				data := mid[at : at+size : at+size]
				copy(data, ev)
				mt.MatchTrusted(nil, data)
				mt.Match(nil, data)
			}
		}
	}
	// skipCompact's kernel (Match's skipper): its words and blocks too.
	for _, doc := range compactDocs {
		for size := 0; size <= len(doc); size++ {
			for _, at := range []int{0, page - size} {
				data := mid[at : at+size : at+size]
				copy(data, doc)
				checkSkipCompact(t, data)
			}
		}
	}
	r := rand.New(rand.NewSource(15))
	const alphabet = `"\{}[]a:,`
	for n := 0; n < 300; n++ {
		size := n % 200
		src := make([]byte, size)
		for k := range src {
			src[k] = alphabet[r.Intn(len(alphabet))]
		}
		for _, at := range []int{0, page - size} { // after the low guard, before the high one
			data := mid[at : at+size : at+size]
			copy(data, src)
			checkTrustedSkipper(t, data, 70)
		}
	}
}
