package compiler

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler/source"
)

var fuzzSeeds = []string{
	`{"source":["aws.ec2"],"detail":{"state":["running",{"prefix":"pend"}]}}`,
	`{"a":[{"numeric":[">",0,"<=",5]}],"b":[{"anything-but":{"prefix":["x","y"]}}]}`,
	`{"$or":[{"a":[{"wildcard":"*x*"}]},{"b":[{"exists":false}]}]}`,
	`{"c":[{"cidr":"10.0.0.0/8"},"2001:db8::1"],"d":[{"equals-ignore-case":"É"}]}`,
	`{"e":[{"suffix":{"equals-ignore-case":".PNG"}}],"f":[{"anything-but":{"wildcard":["a*","\\*b"]}}]}`,
	`{"n":[{"numeric":["=",3e2]}],"m":[300.0,null,true,false]}`,
	`{"x":{"y":{"z":[1]}},"x":{"w":["q"]}}`,
}

// fuzzCompile checks that compiling never panics, that a valid pattern has
// clauses, and that errors carry a position and a code.
func fuzzCompile(f *testing.F, d Dialect) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Compile(data, d, nil)
		all, allErr := Compile(data, d, &Options{AllErrors: true})
		if (err == nil) != (allErr == nil) {
			t.Fatalf("AllErrors changes the verdict: %v vs %v", err, allErr)
		}
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 || list[0].Code == "" {
				t.Fatalf("error without a diagnostic: %v", err)
			}
			// With AllErrors the first entry is still AWS's.
			first := allErr.(ErrorList)[0]
			if first.Code != list[0].Code || first.Reason != list[0].Reason || first.Pos != list[0].Pos {
				t.Fatalf("AllErrors starts with %v, want %v", first, list[0])
			}
			for _, d := range allErr.(ErrorList) {
				if d == recorded {
					t.Fatal("internal marker leaked into the error list")
				}
			}
			return
		}
		if len(p.Clauses) == 0 || len(all.Clauses) != len(p.Clauses) {
			t.Fatalf("valid pattern %q has %d clauses (%d with AllErrors)", data, len(p.Clauses), len(all.Clauses))
		}
		// The reference interpreter must not fail on a minimal event.
		input := `{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","a":[1,"x",{"b":null}]}`
		if d.IsSNS() {
			input = `{"Message":"{\"a\":[1,\"x\"]}","MessageAttributes":{"a":{"DataType":"String","StringValue":"x"}}}`
		}
		if _, err := Explain(p, []byte(input)); err != nil {
			t.Fatalf("explain: %v", err)
		}
	})
}

func FuzzCompileEventBridge(f *testing.F)   { fuzzCompile(f, EventBridge) }
func FuzzCompileSNSAttributes(f *testing.F) { fuzzCompile(f, SNSAttributes) }
func FuzzCompileSNSBody(f *testing.F)       { fuzzCompile(f, SNSBody) }

// FuzzExplainEvent checks that Explain never panics on hostile events.
func FuzzExplainEvent(f *testing.F) {
	p, err := Compile([]byte(`{"a":{"b":["x",{"exists":false}],"c":[{"numeric":[">",1]}]},"d":[{"anything-but":"q"}]}`), EventBridge, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","a":[{"b":"x","c":2},{"c":0}],"d":["q",1]}`))
	f.Add([]byte(`{"Message":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Explain(p, data)
	})
}

// FuzzParsePublish checks that reading a Publish request never panics,
// that any failure is an *InputError, and that the attribute event it
// builds is always a JSON object the reader accepts.
func FuzzParsePublish(f *testing.F) {
	f.Add([]byte(`{"Message":"{\"a\":1}","MessageAttributes":{"n":{"DataType":"Number","StringValue":"3e2"},"s":{"DataType":"String.Array","StringValue":"[\"x\",1,null,[2]]"}}}`))
	f.Add([]byte(`{"Message":"m","MessageAttributes":{"b":{"DataType":"Binary.x","BinaryValue":"AA=="},"c":{"DataType":"Number.float","StringValue":"-0.5"}}}`))
	f.Add([]byte(`{"Message":"m","MessageAttributes":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePublish(data)
		if err != nil {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error %T %v, want *InputError", err, err)
			}
			return
		}
		ev := p.AttributesEvent()
		v, err := source.ParseJSON(ev, source.Limits{})
		if err != nil || v.Kind != source.Object {
			t.Fatalf("attribute event %q is not a JSON object: %v", ev, err)
		}
	})
}

// FuzzWildcardComplexity measures fuzzed globs laid out as event-ruler
// would (lists, anything-but sets, $or copies, fields before them): the
// measure never panics, stays within its bounds, and a limited measure is
// the full measure cut at the limit.
func FuzzWildcardComplexity(f *testing.F) {
	f.Add("*o*", "*p*", uint8(0))
	f.Add("*a*b*c*d*", "*a*b*c*", uint8(3))
	f.Add("日a*é*\\**x", "a*b", uint8(5))
	f.Add("*日a日*", "x", uint8(6))
	f.Add("*日*", "日é", uint8(7))
	f.Fuzz(func(t *testing.T, g1, g2 string, shape uint8) {
		q1, _ := json.Marshal(g1)
		q2, _ := json.Marshal(g2)
		var src string
		switch shape % 8 {
		case 0:
			src = fmt.Sprintf(`{"a": [{"wildcard": %s}, {"wildcard": %s}]}`, q1, q2)
		case 1:
			src = fmt.Sprintf(`{"a": [{"anything-but": {"wildcard": [%s, %s]}}, {"wildcard": %s}]}`, q1, q2, q1)
		case 2:
			src = fmt.Sprintf(`{"a": [{"wildcard": %s}], "$or": [{"b": ["x"]}, {"c": ["y"], "a": [{"wildcard": %s}]}]}`, q1, q2)
		case 3:
			src = fmt.Sprintf(`{"$or": [{"b": ["x"], "z": [{"wildcard": %s}]}, {"z": [{"wildcard": %s}, {"equals-ignore-case": %s}]}]}`, q1, q2, q1)
		case 4:
			src = fmt.Sprintf(`{"a": [{"prefix": %s}, {"wildcard": %s}, {"suffix": {"equals-ignore-case": %s}}, {"wildcard": %s}]}`, q2, q1, q2, q1)
		case 5:
			src = fmt.Sprintf(`{"a": [{"exists": false}], "b": [{"wildcard": %s}, {"wildcard": %s}, {"wildcard": %s}]}`, q1, q2, q1)
		case 6:
			// A suffix in the machine changes how later copies share.
			src = fmt.Sprintf(`{"a": [{"suffix": %s}, {"wildcard": %s}, {"wildcard": %s}]}`, q2, q1, q1)
		default:
			src = fmt.Sprintf(`{"a": [{"anything-but": {"suffix": %s}}, {"suffix": {"equals-ignore-case": %s}}, {"suffix": {"equals-ignore-case": %s}}, {"wildcard": %s}, {"wildcard": %s}]}`, q2, q2, q2, q1, q1)
		}
		var efforts []*effort
		onEffort = func(e *effort) { efforts = append(efforts, e) }
		defer func() { onEffort = nil }()
		p, err := Compile([]byte(src), EventBridge, &Options{WildcardComplexity: ComplexityCap - 1})
		for _, e := range efforts {
			if e.spent > max(complexitySteps, complexityMessageSteps)+complexityOvershoot || complexityStates-e.states > complexityStates+complexityOvershoot {
				t.Fatalf("%s: a measure spent %d steps and %d states", src, e.spent, complexityStates-e.states)
			}
		}
		if err != nil {
			return // a glob AWS rejects, or over even the widest limit
		}
		full := WildcardComplexity(p, 0)
		if full.Value < 0 || full.Value > ComplexityCap || (full.Value > 0) != (full.Path != "") {
			t.Fatalf("%s: measure %+v", src, full)
		}
		for _, limit := range []int{1, 5, 11} {
			cut := WildcardComplexity(p, limit)
			if !full.AtLeast && cut.Value != min(full.Value, limit) {
				t.Fatalf("%s: measure %d, cut at %d gives %d", src, full.Value, limit, cut.Value)
			}
		}
	})
}
