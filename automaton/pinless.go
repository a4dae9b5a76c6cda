package automaton

import "strings"

// Arrays whose elements need not pin their index. An element of an array
// of objects pins its (array, index) step on the leaves read inside it
// (scan.go, array), so that a clause takes its leaves from one element
// (docs/semantics/patterns.md §5). That only tells anything where a
// clause has two fields at or below the array's path: with one, every
// leaf there is consistent with any choice of the others, and the
// answer is that of the same leaves in no array — the answer a scalar
// array, which pins nothing, already gets. exists:false and
// anything-but at that one path read its leaves the same way: none lies
// in a chosen element of the array, since no other field chooses one.
//
// An array whose path leads to at most one pattern path (oneField, a
// property of the machine's set of paths, derived with the scopes)
// therefore pushes no step. Its leaves stay free: a string at the path
// is looked up where it lies (plainString, tabString) with no leaf
// record, no trail and no hit record, and no hit lies in an array, so
// deciding takes no consistency search and the memo stays open. The
// usual case is a CloudTrail call's items
// (requestParameters.instancesSet.items.instanceType in mixed-10000):
// some six elements an event, each a leaf recorded with its trail.
// Callgrind, mixed-10000 trusted, its large CloudTrail calls
// ("eventVersion"), instr/event: 23965 -> 21090 (leafNow 953 -> 0,
// addLeaf 903 -> 324, hit 413 -> 0). Bench-like paired thread CPU
// (pinlessOn toggled, load 9-11, on-off median and quartiles, ns/event):
// mixed-10000 trusted -18 (-103..+63) and -13 (-134..+110) in the two
// build orders, 600 pairs; Match -30 (-137..+66) and -35 (-148..+97);
// its large CloudTrail calls alone trusted -137 and -102;
// cloudtrail-large trusted -133, Match -202 (300 pairs); complex-arrays
// trusted -8, within its noise.

// pinlessOn switches the above (a variable, so that the tests run both
// ways).
var pinlessOn = true

// markOneField sets oneField on each scope (scopes: by path) that has at
// most one pattern path of index at its own path or below it.
func markOneField(index map[string]pathEntry, scopes map[string]*scope) {
	count := make(map[*scope]int, len(scopes))
	for k, e := range index {
		if e.pm == nil {
			continue
		}
		// k itself, then each proper prefix at a '.' (a path that
		// starts with a dot is a top-level name: no prefix "").
		for j := len(k); j > 0; j = strings.LastIndexByte(k[:j], '.') {
			if sc := scopes[k[:j]]; sc != nil {
				count[sc]++
			}
		}
	}
	for _, sc := range scopes {
		sc.oneField = count[sc] <= 1
	}
}
