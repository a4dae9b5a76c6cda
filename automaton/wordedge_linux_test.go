//go:build linux

package automaton

import (
	"syscall"
	"testing"
)

// wordEdgeTail returns a function that copies an event to the end of a
// page followed by an unreadable one (the slice's capacity ends with
// it), so that a load past the event's end faults; done unmaps it. The
// event must fit a page, and each call reuses the page.
func wordEdgeTail(t *testing.T) (tail func([]byte) []byte, done func()) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Logf("mmap: %v; events end a slice without capacity instead", err)
		return wordEdgeExact, func() {}
	}
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		syscall.Munmap(mem)
		t.Fatal(err)
	}
	return func(ev []byte) []byte {
		if len(ev) > page {
			t.Fatalf("event of %d bytes does not fit a page", len(ev))
		}
		d := mem[page-len(ev) : page : page]
		copy(d, ev)
		return d
	}, func() { syscall.Munmap(mem) }
}
