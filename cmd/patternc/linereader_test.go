package main

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzLineReader: whatever the input, match's line reader returns one
// line per newline-terminated line (plus a final unterminated one), never
// a line longer than its limit, and accounts for every byte.
func FuzzLineReader(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n\n  \r\n[1,2]\nlast"), 8)
	f.Add([]byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nshort\n"), 4)
	f.Add([]byte(""), 1)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max <= 0 || max > 1<<20 {
			return
		}
		lr := &lineReader{r: bufio.NewReaderSize(bytes.NewReader(data), 16), max: max}
		lines, size := 0, 0
		for {
			l, ok, err := lr.next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			lines++
			size += l.size
			if len(l.data) > max {
				t.Fatalf("line of %d bytes passed a limit of %d", len(l.data), max)
			}
			if l.err == nil && len(bytes.TrimSpace(l.data)) == 0 {
				t.Fatal("a blank line came back without its error")
			}
		}
		want := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			want++
		}
		if lines != want || size != len(data) {
			t.Fatalf("%d lines of %d bytes, want %d lines of %d bytes", lines, size, want, len(data))
		}
	})
}
