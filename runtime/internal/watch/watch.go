// Package watch is the runtime's one way of telling watchers what a
// service does (an event routed, a delivery settled, a message fanned
// out) without slowing the service when nobody watches.
package watch

import "sync/atomic"

// List is a copy-on-write list of watchers of T. The zero value is empty
// and ready. Emit runs on the service's goroutines: watchers must not
// block.
type List[T any] struct {
	fns atomic.Pointer[[]*func(T)]
}

// Add adds fn and returns the function that removes it.
func (l *List[T]) Add(fn func(T)) (remove func()) {
	p := &fn
	l.update(func(old []*func(T)) []*func(T) { return append(old, p) })
	return func() {
		l.update(func(old []*func(T)) []*func(T) {
			var next []*func(T)
			for _, q := range old {
				if q != p {
					next = append(next, q)
				}
			}
			return next
		})
	}
}

func (l *List[T]) update(change func([]*func(T)) []*func(T)) {
	for {
		old := l.fns.Load()
		var cur []*func(T)
		if old != nil {
			cur = append(cur, *old...)
		}
		next := change(cur)
		if l.fns.CompareAndSwap(old, &next) {
			return
		}
	}
}

// Active reports whether anyone watches, so that a service builds what
// it would emit only then.
func (l *List[T]) Active() bool {
	p := l.fns.Load()
	return p != nil && len(*p) > 0
}

// Emit tells every watcher of v.
func (l *List[T]) Emit(v T) {
	p := l.fns.Load()
	if p == nil {
		return
	}
	for _, fn := range *p {
		(*fn)(v)
	}
}
