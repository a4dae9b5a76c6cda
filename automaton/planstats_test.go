package automaton

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// planRules are rules of several shapes, for planPathStats to count as
// the machine does.
func planRules(t *testing.T, n int) ([]ID, []*compiler.Pattern) {
	t.Helper()
	r := rand.New(rand.NewSource(7))
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	states := []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}
	pick := func(s []string) string { return s[r.Intn(len(s))] }
	ids := make([]ID, n)
	ps := make([]*compiler.Pattern, n)
	for i := range ps {
		var s string
		switch i % 6 {
		case 0:
			s = fmt.Sprintf(`{"source":["aws.ec2"],"region":[%q],"detail":{"state":[%q,%q],"instance-id":[{"prefix":"i-%x"}]}}`,
				pick(regions), pick(states), pick(states), r.Intn(16))
		case 1:
			s = fmt.Sprintf(`{"source":[{"prefix":"aws."}],"region":[{"anything-but":[%q]}],"detail":{"size":[{"numeric":[">=",%d,"<",%d]}]}}`,
				pick(regions), r.Intn(1000), 1000+r.Intn(1000))
		case 2:
			s = fmt.Sprintf(`{"source":["com.example.orders"],"detail":{"orderId":["o-%d"],"note":[{"suffix":"-%d"}]}}`, r.Intn(100000), r.Intn(9))
		case 3:
			s = fmt.Sprintf(`{"detail":{"city":[{"equals-ignore-case":"City%d"}],"state":[{"exists":false}]}}`, r.Intn(50))
		case 4:
			s = fmt.Sprintf(`{"detail":{"ip":[{"cidr":"10.%d.0.0/16"}],"key":[{"wildcard":"*/%d/*"}]}}`, r.Intn(20), r.Intn(20))
		default:
			s = fmt.Sprintf(`{"source":["aws.ec2"],"region":[%q]}`, pick(regions)) // repeats: one clause
		}
		p, err := compiler.Compile([]byte(s), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids[i], ps[i] = ID(fmt.Sprint(i)), p
	}
	return ids, ps
}

// TestPlanPathStats: the counts planned for a rule set are those the
// machine holds once it has added them all, path by path.
func TestPlanPathStats(t *testing.T) {
	ids, ps := planRules(t, 3000)
	stats := planPathStats(ps)
	m := New(Config{})
	if err := m.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	if m.planStats != nil || m.planN != 0 {
		t.Error("the plan outlives AddAll")
	}
	for idx, k := range m.pathNames {
		if m.pathRefs[idx] == 0 && m.pathVals[idx] == 0 {
			continue
		}
		want := pathStat{m.pathRefs[idx], m.pathVals[idx]}
		if got := stats[k]; got != want {
			t.Errorf("%q: planned %+v, the machine has %+v", k.path, got, want)
		}
	}
}

// TestPlannedAnchors: loaded at once, the EC2-like rules' clauses anchor
// on their instance-id prefixes (a sixteenth of the ids each), the first
// as the last; added one at a time, the first saw one or two prefixes,
// which looked as common as a state pair, and some anchored on their
// state pairs (a third of the events), as they did before the plan.
func TestPlannedAnchors(t *testing.T) {
	ids, ps := planRules(t, 3000)
	onStates := func(m *Machine) int {
		n := 0
		for _, pw := range m.preds {
			if pw == nil || pw.path != "detail.state" || len(pw.conds) != 2 {
				continue
			}
			n += len(pw.rec.anchors)
		}
		return n
	}
	m := New(Config{})
	if err := m.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	if n := onStates(m); n != 0 {
		t.Errorf("loaded at once: %d clauses anchored on a state pair, want 0", n)
	}
	m = New(Config{})
	for i := range ps {
		if err := m.Add(ids[i], ps[i]); err != nil {
			t.Fatal(err)
		}
	}
	if n := onStates(m); n == 0 {
		t.Error("added one at a time: no clause anchored on a state pair (the test shows nothing)")
	}
}
