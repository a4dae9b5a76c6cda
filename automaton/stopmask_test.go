package automaton

import "testing"

// asciiStopMaskBytes is asciiStopMask's definition, byte by byte.
func asciiStopMaskBytes(d []byte, i int) uint64 {
	var m uint64
	for k := 0; k < 64; k++ {
		if c := d[i+k]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			m |= 1 << uint(k)
		}
	}
	return m
}

// checkStopMask holds asciiStopMask (each kernel) and asciiStopMaskWords
// to the byte-wise definition at every start of d that leaves a block.
func checkStopMask(t *testing.T, d []byte) {
	t.Helper()
	for i := 0; i+64 <= len(d); i++ {
		want := asciiStopMaskBytes(d, i)
		if got := asciiStopMaskWords(d, i); got != want {
			t.Fatalf("asciiStopMaskWords(%q, %d) = %#x, want %#x", d, i, got, want)
		}
		forEachStops(func() {
			if got := asciiStopMask(d, i); got != want {
				t.Fatalf("asciiStopMask(%q, %d) = %#x, want %#x", d, i, got, want)
			}
		})
	}
}

func TestAsciiStopMask(t *testing.T) {
	d := make([]byte, 64+256)
	for k := range 256 {
		d[64+k] = byte(k) // every byte value at every offset of some block
	}
	checkStopMask(t, d)
	for _, c := range []byte{0x00, 0x1F, 0x20, 0x21, '"', '\\', 0x7F, 0x80, 0xA2, 0xDC, 0xFF} {
		for k := range 64 {
			b := make([]byte, 64)
			for n := range b {
				b[n] = 'a'
			}
			b[k] = c
			checkStopMask(t, b)
		}
	}
}

func FuzzAsciiStopMask(f *testing.F) {
	f.Add([]byte(`{"a":"x\"y","b":"\u00e9\\","c":"S` + "\xc3\xa3o\x01\x7f\x80\xff" + `","d":[1,2,3],"e":"longer text that runs past the first block of sixty-four bytes"}`))
	f.Fuzz(func(t *testing.T, d []byte) {
		checkStopMask(t, d)
	})
}
