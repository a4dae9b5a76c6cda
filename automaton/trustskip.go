package automaton

import "math/bits"

// The trusted skipper: how MatchTrusted passes over what no pattern names.
// It only has to find where a value ends, so it looks for nothing but
// quotes, backslashes and brackets, and at many bytes at once: a mask per
// kind of byte, the bytes inside strings as a prefix XOR of the quote
// mask, the brackets outside strings counted. finishWords does it a word
// of eight bytes at a time in plain Go; on amd64 finishBlocks and
// stringBlocks (trustblocks_amd64.s) do it 64 and 16 bytes at a time with
// SIMD, escapes included, and leave finishWords only the blocks with a
// backslash outside a string (never in valid JSON). In finishWords a word
// with a backslash and the last few bytes go byte by byte.
// The byte-wise definitions the tests and fuzz targets hold all of these
// to are in trustskip_ref_test.go.

// lows7 is 0x7F in every byte.
const lows7 = ones * 0x7F

// flagCount is the number of bytes of x flagged in their high bit (x has
// no other bits): the multiplication adds the flags, as ones and zeros,
// into the top byte. No popcount instruction needs to be there.
func flagCount(x uint64) int {
	return int((x >> 7) * ones >> 56)
}

// skipTrusted returns the end of the value at d[i] of trusted input,
// reading no more than it takes to find it.
func skipTrusted(d []byte, i int) (int, error) {
	if i >= len(d) {
		return i, &SyntaxError{i, "expected a value"}
	}
	switch d[i] {
	case '"':
		return skipStringTrusted(d, i+1), nil
	case '{', '[':
		if i+1 < len(d) && d[i+1] == d[i]+2 {
			return i + 2, nil // {} or [], as "resources":[] in most events
		}
		return finishTrusted(d, i+1, 1), nil
	}
	// A number or a literal: up to the next delimiter.
	j := i + 1
	for j < len(d) {
		if c := d[j]; c == ',' || c == '}' || c == ']' || c <= ' ' {
			break
		}
		j++
	}
	return j, nil
}

// skipStringTrusted returns the end of a string whose body starts at
// d[i], taking every backslash to escape the byte after it; a control
// byte is not ours to judge, so unlike stringStop it does not stop there.
func skipStringTrusted(d []byte, i int) int {
	if haveBlocks {
		var done bool
		if i, done = stringBlocks(d, i); done {
			return i
		}
	}
	for i+8 <= len(d) {
		x := load64(d, i)
		// The lowest flag is exact, which is all that is used.
		m := quoteStops(x)
		if m == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(m) >> 3
		if d[i] == '"' {
			return i + 1
		}
		i += 2
	}
	return skipStringBytes(d, i)
}

// skipStringBytes is skipStringTrusted byte by byte, its definition: the
// word loop leaves it the last bytes, and the tests hold the fast paths
// to it.
func skipStringBytes(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case '"':
			return i + 1
		case '\\':
			i += 2
		default:
			i++
		}
	}
	return len(d)
}

// finishTrusted returns the position after the open containers that d[i]
// is inside of (open of them; d[i] is outside any string), counting
// brackets outside strings, or len(d) where they do not all close.
// Where finishBlocks is built (trustblocks_amd64.s) it takes 64 bytes at
// a step and hands back the blocks with a backslash outside a string (and
// inputs shorter than a block); finishWords takes those, and everything
// elsewhere.
//
// Measured and lost: finishBlocks's choice of kernel made in assembly (a
// tail jump by the byte of blocksAVX2, no Go frame between this loop and
// the kernel): callgrind, mixed-10000 trusted, its large CloudTrail calls
// (some twelve skips each), finishBlocks 327 -> 38 instr/event but this
// loop 264 -> 402 (the arguments now go to the stack here), 151 less in
// all; paired thread CPU (zzpair, load 13) -20 and -35 ns/event on those
// calls alone, the whole corpus -10 and +24 (600 pairs, quartiles
// +-130): not a gain the clock shows.
func finishTrusted(d []byte, i, open int) int {
	var in uint64 // all ones when d[i] is inside a string, else zero
	for {
		var done bool
		if haveBlocks && len(d)-i >= 64 {
			if i, open, in, done = finishBlocks(d, i, open, in); done {
				return i
			}
		}
		end := len(d)
		if haveBlocks {
			end = min(i+64, end)
		}
		if i, open, in, done = finishWords(d, i, end, open, in); done || i >= len(d) {
			return min(i, len(d))
		}
	}
}

// finishWords is finishTrusted from d[i] (inside a string when in is all
// ones) to end (at most len(d)) or past it (after an escaped byte, or
// after a string with an escape that ends beyond end), eight bytes at a
// time, or to the position after the bracket that closes the last open
// container (done).
func finishWords(d []byte, i, end, open int, in uint64) (int, int, uint64, bool) {
	for i+8 <= end {
		x := load64(d, i)
		if b := x ^ (ones * '\\'); (b-ones)&^b&highs != 0 {
			if in != 0 {
				// In a string with an escape: the rest of the string
				// holds no bracket that counts, so it is skipped as a
				// string, from escape to escape (escaped JSON in a
				// string is mostly escapes).
				i, in = skipStringTrusted(d, i), 0
				continue
			}
			// An escape: which quotes it hides would take a run of
			// backslashes to tell, and the escaped byte may be in the
			// next word. Byte by byte to the end of the word (or one
			// past it), then words again.
			var done bool
			if i, open, in, done = finishBytes(d, i, i+8, open, in); done {
				return i, open, in, true
			}
			continue
		}
		// Exactly the quotes, the opening and the closing brackets have
		// their high bit clear in nq, no and nc: adding 0x7F to the low
		// seven bits of a byte sets its high bit unless they are zero,
		// and no byte carries into the next.
		tq := x ^ (ones * '"')
		nq := (tq&lows7 + lows7) | tq
		y := x | ones*0x20 // '[' and ']' become '{' and '}'
		to := y ^ (ones * '{')
		no := (to&lows7 + lows7) | to
		tc := y ^ (ones * '}')
		nc := (tc&lows7 + lows7) | tc
		// p flags the bytes in a string: those after an odd number of
		// quotes (this word's, counted from its first byte, and the
		// string the word starts in). An opening quote is flagged, a
		// closing one not; neither is a bracket.
		p := highs &^ nq
		p ^= p << 8
		p ^= p << 16
		p ^= p << 32
		p ^= in
		in = uint64(int64(p) >> 63)
		o := highs &^ (no | p)
		c := highs &^ (nc | p)
		if c == 0 {
			open += flagCount(o)
		} else if n := flagCount(c); n < open {
			open += flagCount(o) - n
		} else {
			// The count may reach zero in this word: bracket by bracket.
			for m := o | c; m != 0; m &= m - 1 {
				if c&m&-m == 0 {
					open++
				} else if open--; open == 0 {
					return i + bits.TrailingZeros64(m)>>3 + 1, open, in, true
				}
			}
		}
		i += 8
	}
	return finishBytes(d, i, end, open, in)
}

// finishBytes is finishTrusted's byte-wise step, for words with a
// backslash and the last bytes of the input: from d[i] (inside a string
// when in is all ones) to end or one byte past it (an escaped byte), or
// to the position after the bracket that closes the last open container
// (done). It never reads at or past len(d).
func finishBytes(d []byte, i, end, open int, in uint64) (int, int, uint64, bool) {
	end = min(end, len(d))
	for i < end {
		c := d[i]
		i++
		switch {
		case in != 0:
			if c == '"' {
				in = 0
			} else if c == '\\' {
				i++
			}
		case c == '"':
			in = ^uint64(0)
		case c == '{' || c == '[':
			open++
		case c == '}' || c == ']':
			if open--; open == 0 {
				return i, open, in, true
			}
		}
	}
	return i, open, in, false
}

// innerStopOn: a member object on the way to pattern paths that is
// deep (some member it needs is itself such an object: pathEntry.deep)
// stops once it has passed every name it needs, even where its parents
// need more (object gives it its need, not only when it is the last
// thing they need; they find the end of its rest with closeTrusted), as
// an array's element objects already did. Its rest can hold a pattern
// path only as a second member of a name passed, which the contract
// rules out. (A variable, so that the tests run both ways.)
//
// In mixed-10000 the top level never stops early: detail is the last
// member of every event, and no event holds all 17 names its rules name
// below detail (state, bucket, customer, note, ... with the CloudTrail
// ones), so every event is read to its last byte either way. What stops
// here is a large CloudTrail call's requestParameters (it needs only
// instancesSet, its first member: tagSpecificationSet, monitoring and the
// rest, some 400 bytes, are one skip) and its sessionContext.
// Callgrind, mixed-10000 trusted, match-time instr/event, large
// CloudTrail calls: 20807 -> 20154 (passMembers 7978 -> 7368, object
// 2170 -> 1966, skipTrusted 220 -> 156, closeTrusted + flatRest +
// quoteOrBackslash 0 -> 215; 294, 20232 in all, before closeTrusted
// tested the '}' first); small ones and S3 events untouched. Paired
// thread CPU (zzpair, on-off median, q1..q3, ns/event): the whole corpus
// +1.1 (-91..+95) ab and -4.4 (-116..+96) ba, 600 pairs, load 5-9
// (before that test: +2.9 and -9.1, load 11-16); large CloudTrail calls
// alone -29.5 (-111..+53) ab and -12.7 (-46..+16) ba, 300 pairs; S3
// events -1.4 (-64..+60): within the noise on the whole, not a gain the
// clock shows (large calls are a tenth of the corpus; 3% of their
// instructions is some 2 ns/event on the whole). At load 1.4-2.7: the
// whole corpus -3.0 (-74..+62) ab and +2.0 (-72..+75) ba, 1500 pairs;
// cloudtrail-large (100 CloudTrail rules, where detail stops at readOnly
// when the call has an errorCode) -31.8 (-54..-9) ab and -22.2
// (-49..-2) ba, 300 pairs: a gain there.
//
// Measured and lost: every member object stopped so (not only deep
// ones): an S3 event's object ({"key","size","etag"}: the etag after
// size) and bucket then stop too, and the skipper's call for the etag
// cost more than passMembers reading it: S3 events +58 match-time
// instr/event, paired +66 ns (-14..+165, 600 pairs); with flatRest
// reading such a rest in line +77 instr, +4 ns (-111..+132). Large
// calls 20813 -> 20103 (closing sessionContext and attributes together).
// The whole corpus +3 (-119..+133) ab, -12 (-149..+106) ba, 600 pairs.
var innerStopOn = true

// closeTrusted is finishTrusted for the rest of objects that stopped
// early (open of them, d[i] outside any string): the usual short rest
// ({"key":"k","size":1,"etag":"e"} after "size", a bucket's '}' right
// after "name", a CloudTrail call's attributes and sessionContext closing
// together) is read here, member by member while the values are strings,
// numbers or literals, up to each '}', without the skipper's call and its
// setup; at anything else it hands over to finishTrusted where it is.
// It returns what finishTrusted would on any input: what it passes holds
// no bracket, quote or backslash outside the strings it reads as
// finishTrusted reads them.
func closeTrusted(d []byte, i, open int) int {
	for open > 0 {
		if uint(i) >= uint(len(d)) {
			break
		}
		if c := d[i]; c != '}' && c != ']' {
			// (The '}' right there, the usual rest of a sessionContext,
			// is tested first: flatRest's call cost 63 instr a call.)
			if i = flatRest(d, i); uint(i) >= uint(len(d)) || d[i] != '}' && d[i] != ']' {
				break
			}
		}
		i++
		if open--; open == 0 {
			return i
		}
	}
	return finishTrusted(d, i, open)
}

// flatRest passes the members from d[i] (at the ',' before one) whose
// values are strings, numbers or literals, and returns the position after
// the last one passed (i where it passes none).
func flatRest(d []byte, i int) int {
	for i+2 < len(d) && d[i] == ',' && d[i+1] == '"' {
		j := quoteOrBackslash(d, i+2)
		if j+2 >= len(d) || d[j] != '"' || d[j+1] != ':' {
			return i
		}
		k := j + 2
		switch c := d[k]; {
		case c == '"':
			// The usual value has no escape: its end found by words
			// here, where stringBlocks' call cost more than its few
			// words (a hash, a key).
			if k = quoteOrBackslash(d, k+1); k < len(d) && d[k] == '"' {
				k++
			} else {
				k = skipStringTrusted(d, k)
			}
		case c == '{' || c == '[' || c == ']' || c == '}' || c == ',' || c == '\\' || c <= ' ':
			return i
		default:
			for k < len(d) {
				if c := d[k]; c == ',' || c == '}' || c == ']' || c == '{' || c == '[' || c == '"' || c == '\\' || c <= ' ' {
					break
				}
				k++
			}
		}
		i = k
	}
	return i
}
