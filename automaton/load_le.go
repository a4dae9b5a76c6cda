//go:build amd64 || arm64

package automaton

import "unsafe"

// load64 reads the eight bytes d[i:i+8] as a little-endian word. The
// caller has checked i+8 <= len(d): the skipping loops test the bound
// once for several loads, where binary.LittleEndian would test it for
// each (and the slice expression before it again). Little-endian targets
// read the word as it lies; load_other.go is the portable fallback.
func load64(d []byte, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(d)), i))
}

// load32 is load64 for the four bytes d[i:i+4].
func load32(d []byte, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(d)), i))
}

// load16 is load64 for the two bytes d[i:i+2].
func load16(d []byte, i int) uint16 {
	return *(*uint16)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(d)), i))
}

// store64 writes x as the eight bytes b[i:i+8], little-endian, the
// inverse of load64. The caller has checked i+8 <= len(b).
func store64(b []byte, i int, x uint64) {
	*(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i)) = x
}

// store32 is store64 for the four bytes b[i:i+4].
func store32(b []byte, i int, x uint32) {
	*(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i)) = x
}
