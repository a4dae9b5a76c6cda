package automaton

import (
	"bytes"
	"strings"
	"testing"
)

// checkSkipCompact holds skipCompact, where it answers, to skipContainer's
// byte-wise definition at two depths (the second near the nesting limit):
// the same end, and no error.
func checkSkipCompact(t *testing.T, d []byte) {
	t.Helper()
	for _, depth := range []int{0, 990} {
		if got := skipCompact(d, 0, depth); got >= 0 {
			if refEnd, refErr := skipContainerRef(d, 0, depth); got != refEnd || refErr != nil {
				t.Fatalf("%q at depth %d: skipCompact %d, byte-wise %d %v", d, depth, got, refEnd, refErr)
			}
		}
	}
}

// compactDocs are compact containers of the kinds skipCompact reads
// (CloudTrail's nested items, numbers of every usual shape, literals,
// empty containers, strings across blocks) and some it leaves to
// skipContainer.
var compactDocs = []string{
	// Longer than two blocks, with strings that cross from one block to
	// the next at each offset the names' lengths give: the kernel's
	// stops of the block after the one at hand (R14).
	`{"items":[` + strings.Repeat(`{"instanceId":"i-02402a18da250bf34","currentState":{"code":0,"name":"pending"},"privateIpAddress":"10.126.65.39","launchTime":1717316104765,"x":[true,null,"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"]},`, 5) + `{}]}`,
	`{"instancesSet":{"items":[{"imageId":"ami-00a2b894cf840ec4b","minCount":1,"maxCount":2,"instanceType":"r7i.2xlarge","blockDeviceMapping":{"items":[{"deviceName":"/dev/xvda","ebs":{"volumeSize":8,"volumeType":"gp3","deleteOnTermination":true,"encrypted":false}}]}},{"imageId":"ami-0162d968d3f71f8cb","minCount":1,"maxCount":3,"tags":[],"x":{},"n":null}]}}`,
	`[1,-2,0,-0,12.5,-0.25,1234567,9.875,0.5,[],{},[[1,2],[3,4]],"a","",true,false,null,1717316104765,-12345678,123456789012345,1]`,
	`{"a":"` + string(bytes.Repeat([]byte("x"), 150)) + `","b":[` + string(bytes.Repeat([]byte(`"yy",`), 40)) + `"z"]}`,
	`{"` + string(bytes.Repeat([]byte("n"), 100)) + `":1,"b":2}`,
	`{"a":1234567890123456,"b":1e5,"f":12345678.5,"g":012345678,"c":"x\"y","d":"\u00e9","e":"caf` + "\xc3\xa9" + `"}`,
	`{"a" :1}`, `{ "a":1}`, `{"a": 1}`, `[1 ,2]`, `[1, 2]`, `{"a":1 }`,
	`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1.5e3}`, `{"a":tru}`, `{"a":nul}`,
	`{"a":[1,2}`, `{"a":{"b":1]}`, `{"a":1,}`, `[1,]`, `{,}`, `{"a"}`, `{"a":}`, `{"a"::1}`,
	`{"a":"b` + "\x01" + `"}`, `{"a":1}x`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
}

// TestSkipCompact runs checkSkipCompact on compactDocs, on every prefix
// of each and on each with one byte changed to each byte the grammar
// turns on, and checks that the kernel answers for the first five
// (that it is not leaving everything to skipContainer).
func TestSkipCompact(t *testing.T) {
	for n, doc := range compactDocs {
		d := []byte(doc)
		if n < 5 && skipCompactOn {
			if got := skipCompact(d, 0, 0); got != len(d) {
				t.Errorf("%q: skipCompact %d, want %d", d, got, len(d))
			}
		}
		for k := 0; k <= len(d); k++ {
			checkSkipCompact(t, d[:k])
		}
		for k := range d {
			for _, c := range []byte(" \t\n\"\\,:{}[]0129-+.eEtfnlaxz\x00\x1f\x7f\x80\xff") {
				e := bytes.Clone(d)
				e[k] = c
				checkSkipCompact(t, e)
			}
		}
	}
}

// FuzzSkipCompact holds skipCompact to skipContainer's definition on
// compact input (FuzzSkippers covers it on any input).
func FuzzSkipCompact(f *testing.F) {
	for _, doc := range compactDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, d []byte) {
		if len(d) > 0 && (d[0] == '{' || d[0] == '[') {
			checkSkipCompact(t, d)
			// The kernel at an offset, inside a larger input.
			e := append([]byte(`{"k":`), d...)
			if got := skipCompact(e, 5, 1); got >= 0 {
				if refEnd, refErr := skipContainerRef(e, 5, 1); got != refEnd || refErr != nil {
					t.Fatalf("%q from 5: skipCompact %d, byte-wise %d %v", e, got, refEnd, refErr)
				}
			}
		}
	})
}
