package clock

import (
	"testing"
	"time"
)

func TestFake(t *testing.T) {
	start := time.Date(2024, 6, 15, 10, 30, 0, 0, time.UTC)
	f := NewFake(start)
	a := f.After(time.Minute)
	b := f.After(2 * time.Minute)
	now := f.After(0)
	select {
	case <-now:
	default:
		t.Fatal("After(0) did not fire at once")
	}
	f.Advance(59 * time.Second)
	select {
	case <-a:
		t.Fatal("fired early")
	default:
	}
	if next, ok := f.NextWait(); !ok || !next.Equal(start.Add(time.Minute)) {
		t.Fatalf("NextWait %v %v", next, ok)
	}
	f.Advance(time.Second)
	if got := <-a; !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("fired at %v", got)
	}
	if f.Waiters() != 1 {
		t.Fatalf("%d waiters, want 1", f.Waiters())
	}
	f.Advance(time.Hour)
	<-b
	if !f.Now().Equal(start.Add(time.Hour + time.Minute)) {
		t.Fatalf("now %v", f.Now())
	}
}
