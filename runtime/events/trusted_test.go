package events

import (
	"strings"
	"testing"
)

// TestTrustedRouting: a detail that names a member twice — a duplicate,
// or a dotted name beside the object it names — is outside the trusted
// contract, so the bus matches it with the validating Match and routes it
// exactly: the trusted path would stop after the first "a" and miss it.
func TestTrustedRouting(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		got := &recorder{}
		h.svc.RegisterHandler("arn:patternc:go:::handler/got", got.handle)
		mustRule(t, h.svc, "default", "ab", `{"detail":{"a":{"b":["x"]}}}`, Target{ID: "t1", Arn: "arn:patternc:go:::handler/got"})
		details := []struct {
			detail  string
			match   bool
			trusted bool // meets the contract
		}{
			{`{"a":{"c":1},"a.b":"x"}`, true, false},
			{`{"a":{"b":"y"},"a":{"b":"x"}}`, true, false},
			{`{"a":{"b":"y"},"\u0061":{"b":"x"}}`, true, false},
			{`{"a":{"b":"x"},"z":[1]}`, true, true},
			{`{"a":{"b":"y"},"a.c":"x"}`, false, false},
			{`{"a.b":"y","a.c":"x"}`, false, true},
		}
		want := 0
		for _, d := range details {
			if trustedDetail([]byte(d.detail)) != d.trusted {
				t.Fatalf("%s: trustedDetail %v", d.detail, !d.trusted)
			}
			put(t, h.svc, Entry{Source: "app", DetailType: "t", Detail: d.detail})
			if d.match {
				want++
			}
		}
		eventually(t, h.clk, 0, func() bool { return h.svc.Stats()["events_routed"] == int64(len(details)) })
		eventually(t, h.clk, 0, func() bool { return len(got.all()) == want })
		h.svc.mu.RLock()
		b := h.svc.buses["default"]
		h.svc.mu.RUnlock()
		missed := 0
		for _, m := range got.all() {
			ids, err := b.patterns.Machine().Match(m.Body)
			if err != nil || len(ids) != 1 {
				t.Fatalf("%s: delivered, but Match says %v %v", m.Body, ids, err)
			}
			if tids, _ := b.patterns.Machine().MatchTrusted(m.Body); len(tids) == 0 {
				missed++
				if !strings.Contains(string(m.Body), `"a":{"`) {
					t.Errorf("%s: MatchTrusted misses it", m.Body)
				}
			}
		}
		if missed != 3 {
			t.Fatalf("MatchTrusted would have missed %d of the delivered events, want 3 (the test shows nothing)", missed)
		}
	})
}
