package automaton

import "testing"

// TestLastInFrame: a member object that is the last thing its object
// needs is read in the object's frame (lastInFrame), and the count of
// objects left open that MatchTrusted answers with includes the objects
// around it: in an array of objects, the next element is read from the
// end of the one before only where that count is right. Every pattern
// answers on MatchTrusted as Explain does, with the frame reuse on and
// off, and as Match does.
func TestLastInFrame(t *testing.T) {
	defer func(on bool) { lastInFrame = on }(lastInFrame)
	rules := []string{
		`{"items":{"k":["v2"],"in":{"z":["1"]}}}`,
		`{"top":{"a":["1"],"b":{"c":{"d":["deep"]}}}}`,
		`{"top":{"a":["1"]},"tail":["t"]}`,
		`{"items":{"in":{"z":["1"],"w":{"q":[2]}}},"n":[{"numeric":[">",1]}]}`,
		`{"top":{"b":{"c":{"e":[{"exists":false}]}}}}`,
	}
	events := []string{
		// The first element stops inside in: its rest, nested, with
		// brackets in strings, is found the end of before the second.
		`{"items":[{"k":"v1","in":{"z":"1","w":{"q":[1,2,{"r":"}"}]}},"x":1},{"k":"v2","in":{"z":"1","more":"x"},"after":"y"}]}`,
		`{"items":[{"k":"v2","in":{"z":"2"}},{"k":"v2","in":{"z":"1"}}],"n":2}`,
		`{"items":[{"k":"v2","in":{"z":"2","n":{"z":"1"}}},{"k":"v3","in":{"z":"1"}}]}`,
		`{"items":[{"in":{"w":{"q":2},"z":"1"},"k":"v2"},{"in":{"z":"1","w":{"q":[3,2]}}}],"n":5}`,
		`{"items":[{"k":"v2","in":{}},{"k":"v2","in":{"z":"1"}}]}`,
		// Chains of last members: top, b, c, each read in one frame.
		`{"top":{"a":"1","b":{"c":{"d":"deep","e":[{"}":"{"}]},"f":2},"g":"h"},"tail":"t"}`,
		`{"top":{"b":{"c":{"d":"deep"}},"a":"1"}}`,
		`{"top":{"a":"1","b":{}},"tail":"t"}`,
		`{"top":{"a":"1","b":{"c":{}}},"tail":"u"}`,
		`{"top":{"a":"1","b":{"c":{"d":"shallow"}}},"tail":"t"}`,
		`{"tail":"t","top":{"a":"1","b":{"c":{"d":"deep"}}}}`,
		`{"top" : { "a" : "1" , "b" : { "c" : { "d" : "deep" } } } , "tail" : "t" }`,
	}
	eachAloneAndAll(t, rules, trustedBothWays(t, "last in frame", &lastInFrame, events))
}

// TestLastInFrameDepth: the nesting limit holds for member objects read
// in their parent's frame as for those read by a call.
func TestLastInFrameDepth(t *testing.T) {
	defer func(on bool) { lastInFrame = on }(lastInFrame)
	m := New(Config{MaxDepth: 3})
	addPattern(t, m, "deep", `{"a":{"b":{"c":{"d":["x"]}}}}`)
	mt := m.NewMatcher()
	for _, on := range []bool{false, true} {
		lastInFrame = on
		if _, err := mt.MatchTrusted(nil, []byte(`{"a":{"b":{"c":{"d":"x"}}}}`)); err == nil {
			t.Errorf("last in frame %v: four levels under a limit of three: no error", on)
		}
		ids, err := mt.MatchTrusted(nil, []byte(`{"a":{"b":{"c":"x"}}}`))
		if err != nil || len(ids) != 0 {
			t.Errorf("last in frame %v: three levels: %v, %v", on, ids, err)
		}
	}
}
