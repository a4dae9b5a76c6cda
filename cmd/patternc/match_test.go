package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatchCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ec2.json", `{"source":["aws.ec2"]}`)
	write("more.jsonl", `{"id":"big","pattern":{"detail":{"n":[{"numeric":[">",10]}]}}}`+"\n"+`{"id":"any-ec2","pattern":{"source":[{"prefix":"aws."}]}}`)
	var in strings.Builder
	for i := 0; i < 2000; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&in, `{"source":"aws.ec2","detail":{"n":%d}}`+"\n", i)
		case 1:
			fmt.Fprintf(&in, `{"source":"other","detail":{"n":%d}}`+"\n", i)
		case 2:
			in.WriteString("not json\n")
		default:
			in.WriteString("\n")
		}
	}
	code, out, stderr := runCLI(t, in.String(), "match", "--rules", dir, "--workers", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2000 {
		t.Fatalf("%d output lines, want 2000 (one per input line, blank ones too)", len(lines))
	}
	prev := 0
	for _, l := range lines {
		var r struct {
			Line    int      `json:"line"`
			Matches []string `json:"matches"`
			Error   string   `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("bad output line %q: %v", l, err)
		}
		if r.Line <= prev {
			t.Fatalf("output out of order: line %d after %d", r.Line, prev)
		}
		prev = r.Line
		i := r.Line - 1
		var want string
		switch i % 4 {
		case 0:
			want = "[any-ec2 ec2]"
			if i > 10 {
				want = "[any-ec2 big ec2]"
			}
		case 1:
			want = "[]"
			if i > 10 {
				want = "[big]"
			}
		case 2:
			if !strings.Contains(r.Error, "not valid JSON") {
				t.Fatalf("line %d: error %q", r.Line, r.Error)
			}
			continue
		case 3:
			if r.Error != "blank line: no event" {
				t.Fatalf("line %d: blank line gave %q", r.Line, l)
			}
			continue
		}
		if got := fmt.Sprint(r.Matches); got != want {
			t.Fatalf("line %d: matches %s, want %s", r.Line, got, want)
		}
	}
	if !strings.Contains(stderr, "3 rules, 2000 events (1000 with errors)") {
		t.Fatalf("summary missing: %q", stderr)
	}

	write("bad.eventpattern.json", `{"source": "x"}`)
	code, _, stderr = runCLI(t, "", "match", "--rules", dir)
	if code != 2 || !strings.Contains(stderr, `"source" must be an object or an array`) {
		t.Fatalf("bad rule: exit %d, %q", code, stderr)
	}
}

// TestMatchSamples runs match on the committed samples: the EventBridge
// rules over the AWS-style events, and the SNS attribute policy over the
// sample Publish requests.
func TestMatchSamples(t *testing.T) {
	root := filepath.Join("..", "..", "corpus", "samples")
	events, err := os.ReadFile(filepath.Join(root, "events", "aws.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, string(events), "match", "--rules", filepath.Join(root, "eventbridge"), "--workers", "2", "--progress")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 200 {
		t.Fatalf("%d output lines, want 200", len(lines))
	}
	matched := map[string]int{}
	for i, l := range lines {
		var r struct {
			Line    int      `json:"line"`
			Matches []string `json:"matches"`
			Error   string   `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Line != i+1 || r.Error != "" {
			t.Fatalf("output line %d = %q (%v)", i+1, l, err)
		}
		for _, id := range r.Matches {
			matched[id]++
		}
	}
	for _, id := range []string{"big-orders", "ec2-running", "s3-images"} {
		if matched[id] == 0 {
			t.Errorf("sample rule %s matched none of the sample events (%v)", id, matched)
		}
	}
	if !strings.Contains(stderr, "200 events (0 with errors)") || !strings.Contains(stderr, "MB/s") {
		t.Fatalf("summary: %q", stderr)
	}

	publish, err := os.ReadFile(filepath.Join(root, "events", "publish.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, string(publish), "match", "--dialect", "sns", "--rules", filepath.Join(root, "sns-attributes"))
	if code != 0 {
		t.Fatalf("sns: exit %d: %s", code, stderr)
	}
	want := `{"line":1,"matches":["store-filter"]}` + "\n" + `{"line":2,"matches":[]}` + "\n" + `{"line":3,"matches":[]}` + "\n"
	if out != want {
		t.Fatalf("sns output:\n%s\nwant:\n%s", out, want)
	}
}

// TestMatchTrusted: --trusted answers as the validating run on valid
// events, and answers (instead of an error) where the part it does not
// read is broken.
func TestMatchTrusted(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ec2.json"), []byte(`{"source":["aws.ec2"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	in := `{"source":"aws.ec2","detail":{"n":1}}` + "\n" + `{"detail":{},"source":"x"}` + "\n" + `{"source":"aws.ec2","detail":{"n":` + "\n"
	_, valid, _ := runCLI(t, in, "match", "--rules", dir)
	code, trusted, stderr := runCLI(t, in, "match", "--rules", dir, "--trusted")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	v, tr := strings.Split(strings.TrimSpace(valid), "\n"), strings.Split(strings.TrimSpace(trusted), "\n")
	if len(v) != 3 || len(tr) != 3 || v[0] != tr[0] || v[1] != tr[1] {
		t.Fatalf("validating:\n%s\ntrusted:\n%s", valid, trusted)
	}
	if !strings.Contains(v[2], `"error"`) || tr[2] != `{"line":3,"matches":["ec2"]}` {
		t.Fatalf("the broken tail: validating %s, trusted %s", v[2], tr[2])
	}
	if code, _, _ := runCLI(t, "", "match", "--rules", dir, "--dialect", "sns", "--trusted"); code != 2 {
		t.Fatalf("--trusted with sns: exit %d, want 2", code)
	}
}
