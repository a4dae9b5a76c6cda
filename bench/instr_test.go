package bench

import (
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/automaton"
)

// TestInstructions is a harness for counting instructions under callgrind,
// which are repeatable where wall-clock time on a shared machine is not.
// PATTERNC_INSTR=family:path:passes (path match, trusted or fastjson)
// loads the family's 5000 events, then matches every event passes times
// with the collector off. Run it with passes P and 2P and subtract the two
// totals: the setup cancels, and what remains is P passes of the corpus:
//
//	GOGC=off valgrind --tool=callgrind ./bench.test -test.run=TestInstructions
//
// PATTERNC_INSTR_GREP=text keeps only the events that contain text (cycled
// to 5000 events), to count one kind of event of a mixed corpus;
// PATTERNC_INSTR_GREPV=text drops those that contain text (the small
// CloudTrail calls of mixed-10000: GREP the CloudTrail detail-type, GREPV
// "eventVersion", which only the large ones hold).
// PATTERNC_INSTR_SORT=1 sorts the events by kind (mixedKind, as
// BenchmarkMixedOrder's by-kind run): with callgrind's cache simulation,
// the misses that the shuffled order adds are the rule data that events
// of one kind find again in the cache after another of their kind (at
// 55b7554, mixed-10000 top 40 functions, L1 misses per event shuffled
// against sorted: trusted 106 / 52, Match 103 / 53; L2 misses 21 / 18
// and 19 / 18).
//
// Without the variable the test only checks that its setup works.
func TestInstructions(t *testing.T) {
	spec := os.Getenv("PATTERNC_INSTR")
	if spec == "" {
		spec = "exact:match:1"
	}
	parts := strings.Split(spec, ":")
	if len(parts) != 3 {
		t.Fatalf("PATTERNC_INSTR=%q: want family:path:passes", spec)
	}
	passes, err := strconv.Atoi(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	m, evs, _ := loadFamily(t, parts[0], 5000)
	grep, grepv := os.Getenv("PATTERNC_INSTR_GREP"), os.Getenv("PATTERNC_INSTR_GREPV")
	if grep != "" || grepv != "" {
		_, all, _ := loadFamily(t, parts[0], 50000)
		evs = evs[:0]
		for _, ev := range all {
			if strings.Contains(string(ev), grep) && (grepv == "" || !strings.Contains(string(ev), grepv)) {
				evs = append(evs, ev)
			}
		}
		if len(evs) == 0 {
			t.Fatalf("no event of %s contains %q without %q", parts[0], grep, grepv)
		}
		for i := 0; len(evs) < 5000; i++ {
			evs = append(evs, evs[i])
		}
		evs = evs[:5000]
	}
	if os.Getenv("PATTERNC_INSTR_SORT") != "" {
		slices.SortStableFunc(evs, func(x, y []byte) int { return mixedKind(x) - mixedKind(y) })
	}
	debug.SetGCPercent(-1)
	runtime.GC()
	var dst []automaton.ID
	var p fastjson.Parser
	mt := m.NewMatcher()
	matched := 0
	for range passes {
		for _, ev := range evs {
			switch parts[1] {
			case "fastjson":
				if _, err := p.ParseBytes(ev); err != nil {
					t.Fatal(err)
				}
			case "trusted":
				dst, err = mt.MatchTrusted(dst[:0], ev)
			default:
				dst, err = mt.Match(dst[:0], ev)
			}
			if err != nil {
				t.Fatal(err)
			}
			matched += len(dst)
		}
	}
	if parts[1] != "fastjson" && passes > 0 && matched == 0 {
		t.Errorf("%s: no event matched", parts[0])
	}
}
