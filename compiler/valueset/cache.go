package valueset

import (
	"hash/maphash"
	"sync"
	"unsafe"
)

// Languages repeat: the same operator on the same text in many rules, the
// same intersections in every box of a difference. Minimised automata are
// canonical, so equal languages are interned to one *dfa, and the
// constructors and products remember their results by operands. The
// caches are bounded: past maxCached entries they start afresh.

const maxCached = 1 << 15

type prodKey struct {
	a, b *dfa
	op   uint8
}

var cache = struct {
	sync.Mutex
	seed     maphash.Seed
	interned map[uint64][]*dfa
	prods    map[prodKey]*dfa
	shapes   map[string]Lang
	entries  int
}{seed: maphash.MakeSeed()}

func resetLocked() {
	cache.interned = map[uint64][]*dfa{}
	cache.prods = map[prodKey]*dfa{}
	cache.shapes = map[string]Lang{}
	cache.entries = 0
}

func (d *dfa) hash() uint64 {
	var h maphash.Hash
	h.SetSeed(cache.seed)
	h.Write(d.class[:])
	if len(d.next) > 0 {
		h.Write(unsafe.Slice((*byte)(unsafe.Pointer(&d.next[0])), len(d.next)*4))
	}
	for _, a := range d.accept {
		if a {
			h.WriteByte(1)
		} else {
			h.WriteByte(0)
		}
	}
	return h.Sum64()
}

// intern returns the one automaton equal to d.
func intern(d *dfa) *dfa {
	k := d.hash()
	cache.Lock()
	defer cache.Unlock()
	if cache.interned == nil || cache.entries > maxCached {
		resetLocked()
	}
	for _, o := range cache.interned[k] {
		if o.equal(d) {
			return o
		}
	}
	cache.interned[k] = append(cache.interned[k], d)
	cache.entries++
	return d
}

func cachedProduct(a, b *dfa, op uint8) (*dfa, bool) {
	cache.Lock()
	defer cache.Unlock()
	d, ok := cache.prods[prodKey{a, b, op}]
	return d, ok
}

func storeProduct(a, b *dfa, op uint8, d *dfa) {
	cache.Lock()
	defer cache.Unlock()
	if cache.prods == nil || cache.entries > maxCached {
		resetLocked()
	}
	cache.prods[prodKey{a, b, op}] = d
	cache.entries++
}

func cachedShape(key string, build func() Lang) Lang {
	cache.Lock()
	l, ok := cache.shapes[key]
	cache.Unlock()
	if ok {
		return l
	}
	l = build()
	cache.Lock()
	if cache.shapes == nil || cache.entries > maxCached {
		resetLocked()
	}
	cache.shapes[key] = l
	cache.entries++
	cache.Unlock()
	return l
}
