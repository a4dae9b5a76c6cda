//go:build !(amd64 || arm64)

package automaton

import "encoding/binary"

// load64 reads the eight bytes d[i:i+8] as a little-endian word (the
// portable form of load_le.go's).
func load64(d []byte, i int) uint64 {
	return binary.LittleEndian.Uint64(d[i:])
}

// load32 is load64 for the four bytes d[i:i+4].
func load32(d []byte, i int) uint32 {
	return binary.LittleEndian.Uint32(d[i:])
}

// load16 is load64 for the two bytes d[i:i+2].
func load16(d []byte, i int) uint16 {
	return binary.LittleEndian.Uint16(d[i:])
}

// store64 writes x as the eight bytes b[i:i+8], little-endian (the
// portable form of load_le.go's).
func store64(b []byte, i int, x uint64) {
	binary.LittleEndian.PutUint64(b[i:], x)
}

// store32 is store64 for the four bytes b[i:i+4].
func store32(b []byte, i int, x uint32) {
	binary.LittleEndian.PutUint32(b[i:], x)
}
