package automaton

import "testing"

// TestInnerStop: an object on the way to pattern paths stops at the last
// name it needs though its parents need more (innerStopOn), and its rest
// — flat, nested, in arrays, with escapes, or the object's '}' at once —
// is found the end of by closeTrusted; every pattern answers on
// MatchTrusted as Explain does, with the early stop on and off, and as
// Match does.
func TestInnerStop(t *testing.T) {
	defer func(on bool) { innerStopOn = on }(innerStopOn)
	rules := []string{
		`{"d":{"p":{"set":{"t":["m5"]}},"ro":[false]}}`,
		`{"d":{"b":{"name":["photos"]},"o":{"key":[{"prefix":"logs/"}],"size":[{"numeric":[">",3]}]}}}`,
		`{"d":{"u":{"s":{"a":{"mfa":["false"]}}},"e":[{"exists":false}]}}`,
		`{"d":{"u":{"s":{"a":{"mfa":["true"]}}},"e":[{"exists":true}]}}`,
		`{"d":{"p":{"set":{"t":[{"anything-but":"m5"}]}},"x":["y"]}}`,
		`{"d":{"o":{"key":["k"]},"ro":[true]}}`,
	}
	events := []string{
		`{"d":{"p":{"set":{"t":"m5"},"tags":{"a":"}]\"["},"mon":{"on":true},"tok":"x"},"ro":false}}`,
		`{"d":{"p":{"set":{"t":"c6"},"n":1,"s":"a\\\"b","l":null},"ro":false,"e":"Denied"}}`,
		`{"d":{"b":{"name":"photos"},"o":{"key":"logs/a","size":5,"etag":"0a1b"},"reason":"Put"}}`,
		`{"d":{"b":{"name":"photos","arn":"a"},"o":{"size":5,"key":"logs/a"},"ro":true}}`,
		`{"d":{"o":{"key":"k","size":1,"more":[{"key":"z"}],"etag":"e"},"ro":true}}`,
		`{"d":{"u":{"t":"Role","s":{"i":{"n":"r"},"a":{"c":"2024","mfa":"false"}}},"x":"y"}}`,
		`{"d":{"u":{"s":{"a":{"mfa":"true","z":{"q":[1,{"r":"}"}]}},"w":{}},"k":"v"},"e":null}}`,
		`{"d":{"u":{"s":{"a":{"mfa":"false"}}} ,"e":"x" }}`,
		`{"d":{"p":{"set":[{"t":"m5","b":{"i":[{"v":8}]}},{"t":"c6"}],"tok":"t"},"x":"y"}}`,
		`{"d":{"o":{"key":"k" , "size":2 , "etag":"e" } , "ro":true}}`,
	}
	eachAloneAndAll(t, rules, trustedBothWays(t, "inner stop", &innerStopOn, events))
}

// TestDeepNeeds: countNeeds marks deep the prefixes some member of which
// is itself an object on the way to pattern paths, the only objects
// innerStopOn stops.
func TestDeepNeeds(t *testing.T) {
	m := New(Config{})
	addPattern(t, m, "a", `{"d":{"p":{"set":{"t":["m5"]}},"b":{"name":["x"]},"ro":[false]}}`)
	addPattern(t, m, "b", `{"d":{"u":{"s":{"a":{"mfa":["false"]}}}},"x.y":{"z":[1]}}`)
	idx := m.snap.Load().sub[inputEvent].index
	for k, want := range map[string]bool{
		"d": true, "d.p": true, "d.p.set": false, "d.b": false,
		"d.u": true, "d.u.s": true, "d.u.s.a": false, "x": true, "x.y": false,
	} {
		e, ok := idx[k]
		if !ok {
			t.Fatalf("%q: not in the index", k)
		}
		if e.deep != want {
			t.Errorf("%q: deep %v, want %v", k, e.deep, want)
		}
	}
}
