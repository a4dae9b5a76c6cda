package watch

import "testing"

func TestAddEmitRemove(t *testing.T) {
	var l List[int]
	if l.Active() {
		t.Fatal("an empty list is active")
	}
	var a, b []int
	removeA := l.Add(func(v int) { a = append(a, v) })
	l.Add(func(v int) { b = append(b, v) })
	l.Emit(1)
	removeA()
	l.Emit(2)
	if len(a) != 1 || a[0] != 1 {
		t.Errorf("a got %v, want [1]", a)
	}
	if len(b) != 2 || b[1] != 2 {
		t.Errorf("b got %v, want [1 2]", b)
	}
	if !l.Active() {
		t.Error("a list with a watcher is not active")
	}
}
