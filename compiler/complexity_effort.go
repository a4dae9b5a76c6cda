package compiler

// The wildcard complexity measure runs on patterns anyone may submit, so
// its time and memory are bounded by counting, not by a clock: one measure
// gets an effort budget, spends it step by step as it lays out states and
// walks sets of them, and stops when it runs out. A measure that runs out
// is judged over any limit (Complexity.AtLeast). The counts do not depend on
// the machine's speed or load, so the same pattern gets the same verdict
// everywhere.

const (
	// complexitySteps bounds the elementary steps of one measure: a
	// character walked or an edge followed while laying out values, an edge
	// followed while weighing states, an element touched by the traversal.
	// It is far above what a pattern within AWS's size quota needs: the
	// engine's own file needs at most 150 000 to judge a pattern against
	// the limit, 6 million for an exact figure up to the cap.
	complexitySteps = 1 << 24
	// complexityStates bounds the states the model lays out, its memory.
	complexityStates = 1 << 16
	// complexityMessageSteps bounds the second measure of a rejected
	// pattern, which only sharpens the figure in its message.
	complexityMessageSteps = 1 << 23
	// complexityOvershoot bounds what a measure may spend past its budget:
	// it checks between values and between sets, not inside one.
	complexityOvershoot = 1 << 16
)

// effort is what one measure may still spend. Traversal memory (the sets
// seen and queued) grows with the steps, layout memory with the states.
type effort struct {
	steps  int // steps left
	states int // states left
	spent  int // steps spent, for tests
}

func newEffort(steps int) *effort {
	e := &effort{steps: steps, states: complexityStates}
	if onEffort != nil {
		onEffort(e)
	}
	return e
}

// onEffort, set by tests, sees every budget a measure is given.
var onEffort func(*effort)

// spend takes n steps.
func (e *effort) spend(n int) {
	e.steps -= n
	e.spent += n
}

// out reports whether the budget is gone: the measure must stop.
func (e *effort) out() bool {
	return e.steps <= 0 || e.states <= 0
}
