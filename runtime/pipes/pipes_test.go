package pipes

import (
	"strings"
	"testing"
	"time"
)

func TestParsedBody(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"body":"{\"a\":1}"}`, `{"body":{"a":1}}`},
		{`{"body":"[1,2]","x":true}`, `{"body":[1,2],"x":true}`},
		{`{"body":"42"}`, `{"body":"42"}`}, // a JSON scalar stays a string
		{`{"body":"not json"}`, `{"body":"not json"}`},
		{`{"body":{"a":1}}`, `{"body":{"a":1}}`}, // already an object
		{`[1]`, `[1]`},
		{`garbage`, `garbage`},
	} {
		if got := string(parsedBody([]byte(c.in))); got != c.want {
			t.Errorf("parsedBody(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func spec(mod func(*Spec)) Spec {
	sp := Spec{Name: "p", RoleArn: "arn:aws:iam::000000000000:role/r", Source: "arn:aws:sqs:us-east-1:000000000000:q",
		Target: "arn:aws:sqs:us-east-1:000000000000:t"}
	if mod != nil {
		mod(&sp)
	}
	return sp
}

func filters(ps ...string) *SourceParameters {
	var fs []Filter
	for _, p := range ps {
		fs = append(fs, Filter{Pattern: p})
	}
	return &SourceParameters{FilterCriteria: &FilterCriteria{Filters: fs}}
}

// TestCheck: what CreatePipe refuses, with AWS's wording where AWS has one.
func TestCheck(t *testing.T) {
	n := func(v int) *int { return &v }
	for _, c := range []struct {
		name string
		mod  func(*Spec)
		want string // "" = accepted
	}{
		{"plain", nil, ""},
		{"bad name", func(s *Spec) { s.Name = "a b" }, "at 'name'"},
		{"no role", func(s *Spec) { s.RoleArn = "" }, "at 'roleArn'"},
		{"bad state", func(s *Spec) { s.DesiredState = "PAUSED" }, "desiredState"},
		{"bad source", func(s *Spec) { s.Source = "orders" }, "at 'source'"},
		{"batch 0", func(s *Spec) {
			s.SourceParameters = &SourceParameters{SqsQueueParameters: &SqsQueueParameters{BatchSize: n(0)}}
		}, "batchSize"},
		{"window 301", func(s *Spec) {
			s.SourceParameters = &SourceParameters{SqsQueueParameters: &SqsQueueParameters{MaximumBatchingWindowInSeconds: n(301)}}
		}, "maximumBatchingWindowInSeconds"},
		{"six filters", func(s *Spec) { s.SourceParameters = filters("{}", "{}", "{}", "{}", "{}", "{}") }, "length less than or equal to 5"},
		{"bad pattern", func(s *Spec) { s.SourceParameters = filters(`{"body":`) }, "Invalid filter pattern 1"},
		{"wildcard", func(s *Spec) { s.SourceParameters = filters(`{"body":{"x":[{"wildcard":"a*"}]}}`) }, "wildcard is not supported"},
		{"cidr range", func(s *Spec) { s.SourceParameters = filters(`{"ip":[{"cidr":"10.0.0.0/8"}]}`) }, "cidr is not supported"},
		{"ignore-case prefix", func(s *Spec) {
			s.SourceParameters = filters(`{"x":[{"prefix":{"equals-ignore-case":"a"}}]}`)
		}, "equals-ignore-case is not supported"},
		{"numeric ok", func(s *Spec) {
			s.SourceParameters = filters(`{"body":{"n":[{"numeric":[">",1]}]}}`, `{"body":{"k":["a"]}}`)
		}, ""},
		{"template paths", func(s *Spec) {
			s.TargetParameters = &TargetParameters{InputTemplate: `{"a": <$.body.a>, "p": <aws.pipes.pipe-arn>}`}
		}, ""},
		{"template unknown", func(s *Spec) { s.TargetParameters = &TargetParameters{InputTemplate: `{"a": <body>}`} }, "placeholder <body>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sp := spec(c.mod)
			err := sp.check()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestRender: Pipes templates over a record, the body parsed.
func TestRender(t *testing.T) {
	p := &Pipe{Spec: spec(nil), Arn: "arn:aws:pipes:us-east-1:000000000000:pipe/p"}
	rec := newRecord(Message{ID: "m1", Body: `{"id":"o1","n":3,"tags":["a"]}`, ReceiveCount: 1, SentAt: time.Unix(1700000000, 0)}, p.Source, "us-east-1")
	for _, c := range []struct{ tpl, want string }{
		{`{"id": <$.body.id>, "n": <$.body.n>, "t": <$.body.tags>}`, `{"id": "o1", "n": 3, "t": ["a"]}`},
		{`{"pipe": <aws.pipes.pipe-name>, "src": "<aws.pipes.source-arn>"}`, `{"pipe": "p", "src": "arn:aws:sqs:us-east-1:000000000000:q"}`},
		{`order <$.body.id> from <$.eventSource>`, `order o1 from aws:sqs`},
		{`{"missing": <$.body.nope>}`, `{"missing": ""}`},
	} {
		got, err := p.render(c.tpl, rec, time.Unix(0, 0))
		if err != nil || string(got) != c.want {
			t.Errorf("render(%s) = %s, %v; want %s", c.tpl, got, err, c.want)
		}
	}
}

// FuzzRecord: any message body goes through the record envelope, the
// filter and a template without a panic; the filter sees valid JSON.
func FuzzRecord(f *testing.F) {
	for _, s := range []string{`{"kind":"order","id":"x"}`, `[1,{"a":null}]`, `"\u0000"`, "\xff\xfe", `{"body":"{}"}`, `{"a":` + strings.Repeat("[", 5000)} {
		f.Add(s)
	}
	flt, err := compileFilters(filters(`{"body":{"kind":["order"]}}`, `{"body":{"n":[{"numeric":[">",1]}]}}`))
	if err != nil {
		f.Fatal(err)
	}
	p := &Pipe{Spec: spec(nil)}
	f.Fuzz(func(t *testing.T, body string) {
		rec := newRecord(Message{ID: "m", Body: body}, p.Source, "us-east-1")
		pb := parsedBody(rec)
		flt.pass(pb)
		if _, err := p.render(`{"id": <$.body.id>, "e": <aws.pipes.event.json>}`, rec, time.Time{}); err != nil {
			t.Fatalf("a record did not render: %v", err)
		}
	})
}
