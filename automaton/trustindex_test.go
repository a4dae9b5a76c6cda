package automaton

import (
	"bytes"
	"testing"
)

// indexBytes is the string index byte by byte, its definition: from the
// start of d, a backslash not escaped escapes the byte after it, and a
// quote not escaped is a quote. It returns the two bitmaps, 8 bytes per
// block of 64 bytes and 8 zero bytes after.
func indexBytes(d []byte) (q, bs []byte) {
	n := (len(d) + 63) / 64
	q, bs = make([]byte, 8*n+8), make([]byte, 8*n+8)
	escaped := false
	for k, c := range d {
		if c == '\\' {
			bs[k/8] |= 1 << (k % 8)
		}
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			q[k/8] |= 1 << (k % 8)
		}
	}
	return q, bs
}

// quoteBytes is quoteFrom by the definition.
func quoteBytes(q []byte, size, p int) int {
	for ; p < size; p++ {
		if q[p/8]&(1<<(p%8)) != 0 {
			return p
		}
	}
	return size
}

// checkIndex holds the builders to indexBytes on d, built at once and in
// steps (from every block), and quoteFrom and plain to their definitions
// from every position.
func checkIndex(t *testing.T, d []byte) {
	t.Helper()
	wantQ, wantBS := indexBytes(d)
	n := (len(d) + 63) / 64
	type builder struct {
		name  string
		build func(d, q, bs []byte, from, to int, carry uint64) (uint64, uint64)
	}
	builders := []builder{{"indexWords", indexWords}}
	if indexAVX2 && len(d) >= 64 {
		builders = append(builders, builder{"indexBlocksAVX2", indexBlocksAVX2})
	}
	for _, b := range builders {
		for step := 1; step <= n; step++ {
			q, bs := make([]byte, 8*n+8), make([]byte, 8*n+8)
			var carry, any uint64
			for from := 0; from < n; from += step {
				var a uint64
				carry, a = b.build(d, q, bs, from, min(from+step, n), carry)
				any |= a
			}
			if !bytes.Equal(q, wantQ) || !bytes.Equal(bs, wantBS) {
				t.Fatalf("%q: %s in steps of %d: q %x bs %x, want %x %x", d, b.name, step, q, bs, wantQ, wantBS)
			}
			if (any != 0) != bytes.Contains(d, []byte{'\\'}) {
				t.Fatalf("%q: %s: backslashes ORed %x", d, b.name, any)
			}
		}
	}
	saved := indexAVX2
	defer func() { setIndexAVX2(saved) }()
	for _, avx := range []bool{false, saved} {
		setIndexAVX2(avx)
		var mt Matcher
		mt.tix.start(d)
		for p := len(d); p >= 0; p-- { // backwards: the blocks are built lazily
			want := quoteBytes(wantQ, len(d), p)
			if got := mt.quoteFrom(d, p); got != want {
				t.Fatalf("%q: quoteFrom(%d) = %d, want %d (avx2 %v)", d, p, got, want, avx)
			}
			if want < len(d) && mt.tix.plain(p, want) && bytes.IndexByte(d[p:want], '\\') >= 0 {
				t.Fatalf("%q: plain(%d, %d) with a backslash", d, p, want)
			}
		}
		mt.tix.start(d)
		for p := 0; p <= len(d); p++ {
			if got, want := mt.quoteFrom(d, p), quoteBytes(wantQ, len(d), p); got != want {
				t.Fatalf("%q: forwards quoteFrom(%d) = %d, want %d (avx2 %v)", d, p, got, want, avx)
			}
		}
	}
}

func TestTrustIndex(t *testing.T) {
	long := bytes.Repeat([]byte(`{"a":"b\\"c","d\\\\":"\\\\\\"x"}`), 9)
	for _, d := range [][]byte{
		nil,
		[]byte(`"`),
		[]byte(`{"a":"x"}`),
		[]byte(`"\\"\\\\"\\\\\\"`),
		long,
		long[:64],
		long[:65],
		long[:127],
		append(bytes.Repeat([]byte{'\\'}, 63), '"', '"'),
		append(bytes.Repeat([]byte{'\\'}, 64), '"', '"'),
		append(bytes.Repeat([]byte{'\\'}, 127), '"', 'x', '"'),
		append(bytes.Repeat([]byte{'a'}, 200), '"'),
	} {
		checkIndex(t, d)
	}
}

// FuzzTrustIndex holds the index builders (the AVX2 kernel where the
// processor has it, and indexWords) and the lookups on the index to the
// byte-wise definition.
func FuzzTrustIndex(f *testing.F) {
	f.Add([]byte(`{"version":"0","id":"3b440ddd","detail-type":"EC2 \"Instance\" State-change","a\\\\b":"\\u00e9"}`))
	f.Add(append(bytes.Repeat([]byte{'\\'}, 63), '"', '"'))
	f.Add(bytes.Repeat([]byte(`\\"`), 50))
	f.Fuzz(func(t *testing.T, d []byte) {
		checkIndex(t, d)
	})
}
