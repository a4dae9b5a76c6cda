package automaton

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// The skipping validator: what no pattern names is checked and passed over
// here, in as few steps as the grammar allows. Numbers are read a word at
// a time (a citylots event is mostly coordinates to skip); strings with
// stringStop; containers iteratively, with a bit word for the open ones.
// scan.go's byte-wise scanners (scanNumberShape, skipString, scanLiteral)
// are the definitions: the fuzz tests hold these to them and to fastjson,
// and they alone write the error messages.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// nonDigits flags (high bit) every byte of x that is not an ASCII digit:
// subtracting '0' borrows from it, or adding 0x46 carries into its high
// bit. Borrows and carries move upwards only, so the lowest flag is exact
// (bytes above it may be flagged wrongly; callers look at the lowest, or
// turn it into a digit and look again).
func nonDigits(x uint64) uint64 {
	return ((x - ones*'0') | (x + ones*0x46)) & highs
}

// numberShape returns the end of the JSON number at d[i] (i < len(d)) and
// its shape, or -1 where the grammar or the length limit fails: the usual
// number by numberWords, any other by scanNumberShape.
func numberShape(d []byte, i int) (int, numShape) {
	if end, intEnd := numberWords(d, i); end >= 0 {
		return end, numShape{intEnd: intEnd - i, frac: intEnd < end}
	}
	if end, intEnd := numberTail(d, i); end >= 0 {
		return end, numShape{intEnd: intEnd - i, frac: intEnd < end}
	}
	return numberShapeSlow(d, i)
}

// numberWords reads the usual number at d[i] — a sign, one to seven
// integer digits, maybe a fraction, no exponent; or an integer of eight
// to fifteen digits — a word at a time, and
// returns its end and the end of its integer digits; for any other it
// returns -1 (numberShapeSlow reads those). The flags of nonDigits on the
// word at the integer show where the integer ends; with the point made a
// digit ('.'+2 is '0'), where the fraction ends, or that it goes on into
// the next words. (Clearing the point's flag would not do: its borrow can
// flag the zeros after it.)
func numberWords(d []byte, i int) (end, intEnd int) {
	j := i
	if d[j] == '-' {
		j++
	}
	if j+16 > len(d) {
		return -1, 0 // numberTail reads it (a call here would cost every number a frame)
	}
	x := load64(d, j)
	k := bits.TrailingZeros64(nonDigits(x)) >> 3
	if uint(k-1) >= 7 || byte(x) == '0' && k > 1 {
		if k == 8 && byte(x) != '0' {
			// Eight digits or more: an integer of up to fifteen (a
			// time in milliseconds, 1717316104765, as CloudTrail
			// writes launchTime) ends in the next word, read here as
			// the first (scanNumberShape took ~100 instructions for
			// one). A fraction or an exponent after it is left to
			// numberShapeSlow.
			y := load64(d, j+8) // j+16 <= len(d)
			if k = bits.TrailingZeros64(nonDigits(y)) >> 3; k < 8 {
				if c := byte(y >> (k * 8)); c != '.' && c|0x20 != 'e' {
					return j + 8 + k, j + 8 + k
				}
			}
		}
		return -1, 0 // no digit, a leading zero, or a longer number
	}
	intEnd = j + k
	if c := byte(x >> (k * 8)); c != '.' {
		if c|0x20 == 'e' {
			return -1, 0
		}
		return intEnd, intEnd
	}
	if m := nonDigits(x + 2<<(k*8)); m != 0 {
		if f := bits.TrailingZeros64(m); f>>3 > k+1 && byte(x>>(f&^7))|0x20 != 'e' {
			return j + f>>3, intEnd
		}
		return -1, 0 // no digit after the point, or an exponent
	}
	q := j + 8
	if k == 7 && d[q]-'0' >= 10 {
		return -1, 0 // the point was the word's last byte, no digit follows
	}
	for q+8 <= len(d) && q-i < 1024 {
		y := load64(d, q)
		if m := nonDigits(y); m != 0 {
			if f := bits.TrailingZeros64(m); byte(y>>(f&^7))|0x20 != 'e' {
				return q + f>>3, intEnd
			}
			return -1, 0
		}
		q += 8
	}
	return -1, 0
}

// numberTail is numberWords for a number at d[i] too near the end of d
// for its loads, as the last member of an event often is, and -1 for any
// other: it reads the two words at its digits with zero bytes past the
// end (paddedWord), and a zero byte ends a number as the end of the input
// does. (A zero-padded copy read by numberWords cost the last number of
// an event about 150 instructions, with the calls.) The second word is
// read only for a fraction that goes on into it.
func numberTail(d []byte, i int) (end, intEnd int) {
	j := i
	if d[j] == '-' {
		j++
	}
	if j+16 <= len(d) {
		return -1, 0 // numberWords' number, or one it does not read
	}
	var x uint64
	if len(d) >= 8 {
		x = paddedWord(d, j)
	} else {
		for k := len(d) - 1; k >= j; k-- {
			x = x<<8 | uint64(d[k])
		}
	}
	k := bits.TrailingZeros64(nonDigits(x)) >> 3
	if uint(k-1) >= 7 || byte(x) == '0' && k > 1 {
		return -1, 0 // no digit, eight or more, or a leading zero
	}
	intEnd = j + k
	if c := byte(x >> (k * 8)); c != '.' {
		if c|0x20 == 'e' {
			return -1, 0
		}
		return intEnd, intEnd
	}
	if m := nonDigits(x + 2<<(k*8)); m != 0 {
		if f := bits.TrailingZeros64(m); f>>3 > k+1 && byte(x>>(f&^7))|0x20 != 'e' {
			return j + f>>3, intEnd
		}
		return -1, 0 // no digit after the point, or an exponent
	}
	var y uint64 // the next word, read only here (zero for a short d)
	if len(d) >= 8 {
		y = paddedWord(d, j+8)
	}
	if k == 7 && byte(y)-'0' >= 10 {
		return -1, 0 // the point was the word's last byte, no digit follows
	}
	// The fraction goes on into y, which holds a zero byte (j+16 >
	// len(d)), so it ends there.
	if f := bits.TrailingZeros64(nonDigits(y)); byte(y>>(f&^7))|0x20 != 'e' {
		return j + 8 + f>>3, intEnd
	}
	return -1, 0
}

// paddedWord returns the eight bytes at d[k] as load64 reads them, zero
// bytes past the end of d (len(d) >= 8, k <= len(d)+8): past the end,
// the last word of d shifted down (a shift of 64 or more leaves 0).
func paddedWord(d []byte, k int) uint64 {
	if k+8 <= len(d) {
		return load64(d, k) // k+8 <= len(d)
	}
	return load64(d, len(d)-8) >> (8 * uint(k+8-len(d)))
}

// numberShapeSlow is numberShape by the byte-wise definition.
func numberShapeSlow(d []byte, i int) (int, numShape) {
	end, sh, err := scanNumberShape(d, i)
	if err != nil {
		return -1, sh
	}
	return end, sh
}

// scanNumber checks the JSON number grammar at d[i] and returns its end;
// scanNumberShape is called again only to explain a failure.
func scanNumber(d []byte, i int) (int, error) {
	if end, _ := numberShape(d, i); end >= 0 {
		return end, nil
	}
	end, _, err := scanNumberShape(d, i)
	return end, err
}

// skipValue validates and skips the value at d[i] without building it.
func skipValue(d []byte, i, depth int) (int, error) {
	if i >= len(d) {
		return i, &SyntaxError{i, "expected a value"}
	}
	switch c := d[i]; {
	case c == '"':
		return skipString(d, i)
	case c == '{' || c == '[':
		return skipContainer(d, i, depth)
	case c == '-' || c-'0' < 10:
		return scanNumber(d, i)
	case c == 't', c == 'f', c == 'n':
		end, _, err := scanLiteral(d, i)
		return end, err
	}
	return i, &SyntaxError{i, fmt.Sprintf("unexpected character %q", d[i])}
}

// skipContainer skips an object or array at d[i] iteratively, checking its
// grammar with a small state machine and a bit word of open containers
// instead of recursion (but for every 64 levels). The bytes after a value are tested directly
// before any call: in compact JSON a ',' or a bracket follows at once.
func skipContainer(d []byte, i, depth int) (int, error) {
	// The kernel first, where there is one (amd64 with AVX2): it reads
	// the usual container with its state in registers, which this loop,
	// with a call in each branch, stores at the top of every step and
	// loads after each call. Callgrind cloudtrail-large Match: skipping
	// 23500 -> 14300 instr/event (46762 -> 38562 in all); mixed-10000
	// 2790 -> 1864. A container it gives up on is read here from its
	// start.
	if end := skipCompact(d, i, depth); end >= 0 {
		return end, nil
	}
	// Bit n of objs is set when the container that holds the one open
	// at level n is an object. Sixty-four levels fit in the word (a
	// container deeper is skipped by a call of its own): no stack array
	// to clear on every call.
	var objs uint64
	level := 0
	inObj := false
	var err error
	// The stops (asciiStopMask) of the 64 bytes from d[mb], where the
	// strings and names are read: none yet.
	mb, mm := -64, uint64(0)
	for {
		// At a value: i < len(d).
		switch c := d[i]; {
		case c == '-' || c-'0' < 10:
			// Numbers, and in an array the numbers that follow.
			for {
				j, _ := numberWords(d, i)
				if j < 0 {
					if j, _ = numberShapeSlow(d, i); j < 0 {
						return scanNumber(d, i)
					}
				}
				i = j
				if inObj || i+4 > len(d) {
					break
				}
				if d[i] == ',' {
					if c := d[i+1]; c == '-' || c-'0' < 10 {
						i++
						continue
					}
					break
				}
				// "],[" and a number: the next array of numbers in the
				// same array, as in coordinate lists; the level is the
				// same, and the parent must be an array.
				w := load32(d, i)
				if c := byte(w >> 24); w&0xFFFFFF != ']'|','<<8|'['<<16 || c != '-' && c-'0' >= 10 ||
					level < 2 || objs&(1<<((level-1)&63)) != 0 {
					break
				}
				i += 3
			}
		case c == '"':
			// The first stop, from the block's mask (a block from the
			// string's start where it starts past the block at hand);
			// near the end of the input, stringStop's word loop in line
			// (asciiRunEnd): a call per string costs more than its loop.
			// The word loop's exit, at each string's own length, was
			// mispredicted: callgrind cloudtrail-large Match 710 -> 637
			// mispredicts/event, instructions +0.9%, thread CPU -1.5%.
			j := i + 1
			for {
				if k := uint(j - mb); k < 64 {
					if m := mm >> k; m != 0 {
						j += bits.TrailingZeros64(m)
						break
					}
					j = mb + 64
				}
				if j+64 > len(d) {
					j = asciiRunEndMem(d, j)
					break
				}
				mb, mm = j, asciiStopMask(d, j)
			}
			if uint(j) < uint(len(d)) && d[j] == '"' {
				i = j + 1
			} else if i, err = skipString(d, i); err != nil {
				return i, err
			}
		case c == '{' || c == '[':
			if depth+level >= 1000 {
				return i, &SyntaxError{i, "nesting deeper than the limit of 1000 levels"}
			}
			if level == 64 {
				// Deeper than the word holds: the container is skipped
				// by a call that starts at its depth.
				if i, err = skipContainer(d, i, depth+level); err != nil {
					return i, err
				}
				break
			}
			if inObj {
				objs |= 1 << (level & 63)
			} else {
				objs &^= 1 << (level & 63)
			}
			level++
			inObj = c == '{'
			if i++; i < len(d) && d[i] <= ' ' {
				i = skipWS(d, i)
			}
			if i >= len(d) {
				return i, &SyntaxError{i, "unexpected end of input"}
			}
			if d[i] == c+2 { // '{'+2 is '}', '['+2 is ']'
				i++
				level--
				inObj = objs&(1<<(level&63)) != 0
				break
			}
			if inObj {
				goto name
			}
			continue
		case c == 't' || c == 'f' || c == 'n':
			// skipLiteral's words in line, where five bytes are left (a
			// literal inside a container is followed by its bracket at
			// least): the call cost cloudtrail-large ~2000 instr/event, its
			// own ~400 and the rest in the loop around it.
			w := uint32(0)
			if i+5 <= len(d) {
				w = load32(d, i) // i+4 <= len(d)
			}
			if w == 't'|'r'<<8|'u'<<16|'e'<<24 || w == 'n'|'u'<<8|'l'<<16|'l'<<24 {
				i += 4
			} else if w == 'f'|'a'<<8|'l'<<16|'s'<<24 && d[i+4] == 'e' { // i+5 <= len(d)
				i += 5
			} else if i, err = skipLiteral(d, i); err != nil {
				return i, err
			}
		default:
			return i, &SyntaxError{i, fmt.Sprintf("unexpected character %q", c)}
		}
		// After a value: close containers or move to the next element.
		// The usual ',"' after a member's value is read as one word.
		if inObj && i+2 <= len(d) && load16(d, i) == ','|'"'<<8 { // i+2 <= len(d)
			i++
			goto name
		}
		for level > 0 {
			if i < len(d) && d[i] <= ' ' {
				i = skipWS(d, i)
			}
			if i >= len(d) {
				return i, &SyntaxError{i, "unexpected end of input"}
			}
			c := d[i]
			if c == ',' {
				if i++; i < len(d) && d[i] <= ' ' {
					i = skipWS(d, i)
				}
				if inObj {
					goto name
				} else if i >= len(d) {
					return i, &SyntaxError{i, "unexpected end of input in an array"}
				}
				break
			}
			if (inObj && c == '}') || (!inObj && c == ']') {
				i++
				level--
				inObj = objs&(1<<(level&63)) != 0
				continue
			}
			return i, &SyntaxError{i, "expected ',' or a closing bracket"}
		}
		if level == 0 {
			return i, nil
		}
		continue
	name:
		// At a member name: `"name":` before a value, the usual name,
		// is read here (asciiRunEnd in line); skipMemberName reads any
		// other, and writes the errors.
		if uint(i) < uint(len(d)) && d[i] == '"' {
			j := i + 1 // the first stop, as for a string value
			for {
				if k := uint(j - mb); k < 64 {
					if m := mm >> k; m != 0 {
						j += bits.TrailingZeros64(m)
						break
					}
					j = mb + 64
				}
				if j+64 > len(d) {
					j = asciiRunEndMem(d, j)
					break
				}
				mb, mm = j, asciiStopMask(d, j)
			}
			if j+2 < len(d) && load16(d, j) == '"'|':'<<8 && d[j+2] > ' ' { // j+2 <= len(d)
				i = j + 2
				continue
			}
		}
		if i, err = skipMemberName(d, i); err != nil {
			return i, err
		}
	}
}

// skipLiteral skips true, false or null at d[i], comparing whole words.
func skipLiteral(d []byte, i int) (int, error) {
	if len(d)-i >= 4 {
		switch binary.LittleEndian.Uint32(d[i:]) {
		case 't' | 'r'<<8 | 'u'<<16 | 'e'<<24, 'n' | 'u'<<8 | 'l'<<16 | 'l'<<24:
			return i + 4, nil
		case 'f' | 'a'<<8 | 'l'<<16 | 's'<<24:
			if len(d)-i >= 5 && d[i+4] == 'e' {
				return i + 5, nil
			}
		}
	}
	end, _, err := scanLiteral(d, i)
	return end, err
}

// skipMemberName skips `"name" :` and the spaces after it.
func skipMemberName(d []byte, i int) (int, error) {
	if i >= len(d) || d[i] != '"' {
		return i, &SyntaxError{i, "expected a double-quoted member name"}
	}
	j := asciiRunEndMem(d, i+1)
	if uint(j) < uint(len(d)) && d[j] == '"' {
		i = j + 1
	} else {
		var err error
		if i, err = skipString(d, i); err != nil {
			return i, err
		}
	}
	if i < len(d) && d[i] <= ' ' {
		i = skipWS(d, i)
	}
	if i >= len(d) || d[i] != ':' {
		return i, &SyntaxError{i, "expected ':' after a member name"}
	}
	if i++; i < len(d) && d[i] <= ' ' {
		i = skipWS(d, i)
	}
	if i >= len(d) {
		return i, &SyntaxError{i, "expected a value"}
	}
	return i, nil
}
