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
	set, err := Load(dir, compiler.EventBridge)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.IDs) != 2 || set.IDs[0] != "a" || set.IDs[1] != "b" || set.Patterns[1].Dialect != compiler.SNSBody {
		t.Fatalf("loaded %v", set.IDs)
	}
	os.WriteFile(filepath.Join(dir, "dup.jsonl"), []byte(`{"id":"a","pattern":{"s":["y"]}}`), 0o644)
	if _, err := Load(dir, compiler.EventBridge); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Fatalf("duplicate id: %v", err)
	}
	if _, err := Load(t.TempDir(), compiler.EventBridge); err == nil || !strings.Contains(err.Error(), "no rules found") {
		t.Fatalf("empty dir: %v", err)
	}
}
