package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"source":["x"]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "more.jsonl"), []byte("{\"id\":\"b\",\"dialect\":\"sns-body\",\"pattern\":{\"k\":[1]}}\n\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "events.jsonl"), []byte(`{"source":"x","detail":{}}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"app","version":"1.0.0"}`), 0o644)
	set, err := Load(dir, compiler.EventBridge)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.IDs) != 1 || set.IDs[0] != "a" || set.Other != 1 {
		t.Fatalf("eventbridge: loaded %v, other %d", set.IDs, set.Other)
	}
	set, err = Load(dir, compiler.SNSAttributes)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.IDs) != 1 || set.IDs[0] != "b" || set.Patterns[0].Dialect != compiler.SNSBody || set.Rules[0].File != filepath.Join(dir, "more.jsonl") {
		t.Fatalf("sns: loaded %v", set.IDs)
	}
	os.WriteFile(filepath.Join(dir, "dup.jsonl"), []byte(`{"id":"a","pattern":{"s":["y"]}}`), 0o644)
	if _, err := Load(dir, compiler.EventBridge); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Fatalf("duplicate id: %v", err)
	}
	if _, err := Load(t.TempDir(), compiler.EventBridge); err == nil || !strings.Contains(err.Error(), "no EventBridge patterns found") {
		t.Fatalf("empty dir: %v", err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "r.eventpattern.json"), []byte(`{"source": "x"}`), 0o644)
	_, err = Load(bad, compiler.EventBridge)
	fe, ok := err.(*FileError)
	if !ok || fe.Count != 1 || !strings.Contains(fe.Err.Error(), `"source" must be an object or an array`) || len(fe.Source) == 0 {
		t.Fatalf("bad rule: %#v", err)
	}
}

// TestLoadSamples reads the project's samples as match does: every source
// kind, the events files passed over, SNS policies kept apart.
func TestLoadSamples(t *testing.T) {
	eb, err := Load("../corpus/samples", compiler.EventBridge)
	if err != nil {
		t.Fatal(err)
	}
	sns, err := Load("../corpus/samples", compiler.SNSAttributes)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]compiler.Dialect{}
	for _, r := range append(eb.Rules, sns.Rules...) {
		have[r.Name] = r.Dialect
	}
	for name, d := range map[string]compiler.Dialect{
		"big-orders": compiler.EventBridge, "paid-orders": compiler.EventBridge, "PaidOrders": compiler.EventBridge,
		"aws_cloudwatch_event_rule.ec2_stopped": compiler.EventBridge, "store-filter": compiler.SNSAttributes,
		"orders-eu": compiler.SNSBody, "EuropeanOrders": compiler.SNSBody, "aws_sns_topic_subscription.big_spenders": compiler.SNSAttributes,
	} {
		if got, ok := have[name]; !ok || got != d {
			t.Errorf("rule %s: dialect %v, found %v (have %v)", name, d, ok, have)
		}
	}
	if eb.Computed == 0 {
		t.Error("the !Sub pattern of the samples was not set aside as computed")
	}
}
