package events

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/valyala/fastjson"
)

const sampleEvent = `{"version":"0","id":"e1","detail-type":"Order","source":"shop","account":"1","time":"2024-06-15T10:30:00Z","region":"r","resources":["arn:a"],"detail":{"payload":{"acc_id":"0a78","sf_id":"baz"},"state":"RUNNING","n":42,"list":["ACTIVE","INACTIVE"],"q":"say \"hi\""}}`

func TestShape(t *testing.T) {
	sc := shapeContext{ruleArn: "arn:rule", ruleName: "rn", ingested: time.Date(2024, 6, 15, 10, 30, 1, 0, time.UTC)}
	tr := func(tpl string, m map[string]string) Target {
		return Target{ID: "t", InputTransformer: &InputTransformer{InputTemplate: tpl, InputPathsMap: m}}
	}
	tests := []struct {
		name string
		t    Target
		want string // "" means a transformation failure
	}{
		{"whole event", Target{}, sampleEvent},
		{"constant", Target{Input: `{"c":1}`}, `{"c":1}`},
		{"path object", Target{InputPath: "$.detail.payload"}, `{"acc_id":"0a78","sf_id":"baz"}`},
		{"path string keeps quotes", Target{InputPath: "$.detail.payload.sf_id"}, `"baz"`},
		{"path index", Target{InputPath: "$.resources[0]"}, `"arn:a"`},
		{"path nothing", Target{InputPath: "$.detail.none"}, ""},
		{"aws example", tr(`{"path":"users/<userId>","id":<userId>,"body":<payload>}`, map[string]string{"userId": "$.detail.payload.acc_id", "payload": "$.detail.payload"}),
			`{"path":"users/0a78","id":"0a78","body":{"acc_id":"0a78","sf_id":"baz"}}`},
		{"json missing is empty string", tr(`{"a":<m>}`, map[string]string{"m": "$.detail.none"}), `{"a":""}`},
		{"json number", tr(`{"a":<n>,"s":"n=<n>"}`, map[string]string{"n": "$.detail.n"}), `{"a":42,"s":"n=42"}`},
		{"text mode quotes kept", tr(`"instance <s> is in <s>"`, map[string]string{"s": "$.detail.state"}), `"instance RUNNING is in RUNNING"`},
		{"text object drops quotes", tr(`p=<p>`, map[string]string{"p": "$.detail.payload"}), `p={acc_id:0a78,sf_id:baz}`},
		{"text array", tr(`<l>`, map[string]string{"l": "$.detail.list"}), `[ACTIVE,INACTIVE]`},
		{"unescaped quote breaks json", tr(`{"a":"<q>"}`, map[string]string{"q": "$.detail.q"}), ""},
		{"predefined", tr(`{"r":<aws.events.rule-arn>,"n":"<aws.events.rule-name>","t":<aws.events.event.ingestion-time>}`, nil), `{"r":"arn:rule","n":"rn","t":"2024-06-15T10:30:01.000Z"}`},
		{"event without detail", tr(`{"e":<aws.events.event>}`, nil), `{"e":{"version":"0","id":"e1","detailType":"Order","source":"shop","account":"1","time":"2024-06-15T10:30:00Z","region":"r","resources":["arn:a"]}}`},
		{"event json", tr(`{"e":<aws.events.event.json>}`, nil), `{"e":` + sampleEvent + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if e := checkShaping(&tt.t); e != nil {
				t.Fatalf("checkShaping: %v", e)
			}
			got, err := shape(&tt.t, []byte(sampleEvent), sc)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("want a transformation failure, got %s", got)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %s (%v)\nwant %s", got, err, tt.want)
			}
		})
	}
}

func FuzzShape(f *testing.F) {
	f.Add(`{"a":<x>}`, "$.detail.payload", sampleEvent)
	f.Add(`<x> "<x>"`, "$.resources[0]", `{"detail":[1,{"a":"\""}]}`)
	f.Fuzz(func(t *testing.T, tpl, path, event string) {
		tg := Target{ID: "t", InputTransformer: &InputTransformer{InputTemplate: tpl, InputPathsMap: map[string]string{"x": path}}}
		if checkShaping(&tg) != nil {
			return
		}
		_, _ = shape(&tg, []byte(event), shapeContext{})
	})
}

func FuzzCheckDetail(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2,{"b":-0.5e3}]}`, `{"n":99999999999999999999}`, `[]`, `{"s":"\"\\"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		ok := checkDetail([]byte(d), 1000)
		if ok && !json.Valid([]byte(d)) {
			t.Fatalf("accepted invalid JSON %q", d)
		}
	})
}

// TestRenderTemplateQuotes: values are written as valid JSON whatever
// they hold (fastjson's own quoting writes a NUL as \x00), and without
// HTML escapes.
func TestRenderTemplateQuotes(t *testing.T) {
	event := []byte(`{"s":"a\u0000b<c>\"q\"","o":{"k":"\u0001"},"a":["\u0000"]}`)
	got, err := RenderTemplate(`{"s": <$.s>, "o": <$.o>, "a": <$.a>}`, event, func(name string, root *fastjson.Value) *fastjson.Value {
		return SelectPath(root, name)
	})
	want := `{"s": "a\u0000b<c>\"q\"", "o": {"k":"\u0001"}, "a": ["\u0000"]}`
	if err != nil || string(got) != want {
		t.Fatalf("got %s, %v\nwant %s", got, err, want)
	}
}
