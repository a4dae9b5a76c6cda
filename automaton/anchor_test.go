package automaton

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestAnchorOverlappingRanges: rules with open-ended ranges that all
// overlap stop being anchored on their range once the range's overlap
// makes another field cheaper, while disjoint ranges stay anchors.
func TestAnchorOverlappingRanges(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pattern    func(i int) string
		maxOnRange int
		minOnRange int
	}{
		{"open-ended", func(i int) string {
			return fmt.Sprintf(`{"bucket":["b%d"],"key":[{"prefix":"k%d/"}],"size":[{"numeric":[">",%d]}]}`, i%4, i%20, i*1000)
		}, 100, 0},
		{"disjoint", func(i int) string {
			return fmt.Sprintf(`{"bucket":["b%d"],"size":[{"numeric":[">=",%d,"<",%d]}]}`, i%4, i*1000, i*1000+10)
		}, 1000, 900},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Config{})
			for i := 0; i < 1000; i++ {
				p, err := compiler.Compile([]byte(tc.pattern(i)), compiler.EventBridge, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
					t.Fatal(err)
				}
			}
			onRange := 0
			for _, pw := range m.preds {
				if pw != nil && pw.rank == 2 {
					onRange += len(pw.rec.anchors)
				}
			}
			if onRange > tc.maxOnRange || onRange < tc.minOnRange {
				t.Errorf("%d clauses anchored on ranges, want %d..%d", onRange, tc.minOnRange, tc.maxOnRange)
			}
			// The choice changes no answer.
			ev := []byte(`{"bucket":"b1","key":"k1/x","size":500000}`)
			got, err := m.Match(ev)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for i := 0; i < 1000; i++ {
				p, _ := compiler.Compile([]byte(tc.pattern(i)), compiler.EventBridge, nil)
				if ex, err := compiler.ExplainMatch(p, ev); err == nil && ex.Matched {
					want++
				}
			}
			if len(got) != want {
				t.Errorf("%d matches, want %d", len(got), want)
			}
		})
	}
}

// TestAnchorFiresLeast: a clause is anchored on the predicate that fires
// least often, not the one fewest clauses use. Each rule names two of six
// states (36 lists, each used by few rules, each firing for a third of
// the events) and one of sixteen instance-id prefixes (each used by more
// rules, each firing for a sixteenth): the prefixes are the anchors. A
// rule on a path every rule names (source) is anchored elsewhere too.
// The rules come in no particular order: a clause is anchored with the
// statistics known when it is added, so the first rules of a set sorted
// by prefix would see one prefix value only.
func TestAnchorFiresLeast(t *testing.T) {
	states := []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}
	rule := func(i int) string {
		i = i * 7919 % 576 // 576 distinct rules (36 lists by 16 prefixes), mixed
		return fmt.Sprintf(`{"source":["aws.ec2"],"detail":{"state":[%q,%q],"instance-id":[{"prefix":"i-%x"}]}}`,
			states[i%6], states[i/6%6], i/36%16)
	}
	m := New(Config{})
	ids := make([]ID, 800)
	ps := make([]*compiler.Pattern, 800)
	for i := range ps {
		p, err := compiler.Compile([]byte(rule(i)), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids[i], ps[i] = ID(fmt.Sprint(i)), p
	}
	if err := m.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]int{}
	for _, pw := range m.preds {
		if pw != nil {
			byPath[pw.path] += len(pw.rec.anchors)
		}
	}
	// 576 rules, 336 clauses: a list of two states is one predicate in
	// either order (sortKeyConds), 21 of them.
	all := 0
	for _, n := range byPath {
		all += n
	}
	if n := byPath["detail.instance-id"]; n*10 < all*7 {
		t.Errorf("%d clauses anchored on detail.instance-id, want most of the %d (by path: %v)", n, all, byPath)
	}
	ev := []byte(`{"source":"aws.ec2","detail":{"state":"running","instance-id":"i-3f00"}}`)
	got, err := m.Match(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := explainMatches(ps, ev)
	if want == 0 || len(got) != want {
		t.Errorf("%d matches, want %d (> 0)", len(got), want)
	}
}

// TestAnchorEnvelopeField: the usual rule set — a quarter of the rules
// for EC2 state changes name one of four regions, two of six states and
// one of sixteen instance-id prefixes; the others are for S3, CloudTrail
// and orders. Counted by the rules that name it, "region" looks as rare
// as a prefix, but every event has a region (an envelope field): a
// region fires for a quarter of all events, a prefix for a sixteenth of
// the EC2 ones. So the EC2 rules are anchored on their detail fields
// (fireCost), prefix or state, not their regions, and events of other
// sources test none of them (by rules, 20 of the 25 were on region).
func TestAnchorEnvelopeField(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pick := func(list ...string) string { return list[r.Intn(len(list))] }
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	states := []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}
	rule := func(i int) string {
		switch i % 4 {
		case 0:
			return fmt.Sprintf(`{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"region":[%q],"detail":{"state":[%q,%q],"instance-id":[{"prefix":"i-%x"}]}}`,
				pick(regions...), pick(states...), pick(states...), r.Intn(16))
		case 1:
			return fmt.Sprintf(`{"source":["aws.s3"],"detail":{"bucket":{"name":[%q]}}}`, pick("photos", "logs", "backups"))
		case 2:
			return fmt.Sprintf(`{"source":["aws.cloudtrail"],"detail":{"userName":["user%d"]}}`, r.Intn(50))
		}
		return fmt.Sprintf(`{"source":["shop"],"detail":{"status":[%q],"country":[%q]}}`, pick("new", "paid", "shipped"), pick("PT", "BR", "US", "DE", "JP"))
	}
	m := New(Config{})
	var ps []*compiler.Pattern
	for i := 0; i < 100; i++ {
		p, err := compiler.Compile([]byte(rule(i)), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	byPath := map[string]int{}
	for _, pw := range m.preds {
		if pw != nil {
			byPath[pw.path] += len(pw.rec.anchors)
		}
	}
	if byPath["region"] > 2 || byPath["detail.instance-id"]+byPath["detail.state"] < 20 {
		t.Errorf("clauses anchored by path: %v; want the EC2 rules on their detail fields, (almost) none on region", byPath)
	}
	ec2 := func(region, state, id string) string {
		return fmt.Sprintf(`{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","region":%q,"detail":{"state":%q,"instance-id":%q}}`, region, state, id)
	}
	matched := 0
	for _, region := range regions {
		for _, state := range states {
			for _, id := range []string{"i-0abc", "i-3f00", "i-a123", "i-f"} {
				ev := []byte(ec2(region, state, id))
				got, err := m.Match(ev)
				if err != nil {
					t.Fatal(err)
				}
				want := explainMatches(ps, ev)
				if len(got) != want {
					t.Errorf("%s: %d matches, want %d", ev, len(got), want)
				}
				matched += want
			}
		}
	}
	if matched == 0 {
		t.Error("no event matched: the test proves nothing")
	}
}

// explainMatches counts the patterns of ps that compiler.ExplainMatch,
// the reference, says ev matches.
func explainMatches(ps []*compiler.Pattern, ev []byte) int {
	n := 0
	for _, p := range ps {
		if ex, err := compiler.ExplainMatch(p, ev); err == nil && ex.Matched {
			n++
		}
	}
	return n
}
