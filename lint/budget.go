package lint

import (
	"fmt"
	"time"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// budget bounds the work lint does on one file: wall time, and the number
// of value nodes built from YAML (aliases make a small file stand for a
// huge tree; the tree is never built past the cap). Work loops call step;
// when the budget is spent, step stops the file with errBudget, which the
// unit's recoverExceeded turns into one L002 finding naming the file.
type budget struct {
	deadline time.Time
	limit    time.Duration
	nodes    int // value nodes built so far
	maxNodes int
	steps    int
}

// MaxNodes is the number of value nodes lint builds from one file: beyond
// it (YAML aliases expanding a small file into a huge tree) the file is an
// L002 error. At about 150 bytes a node it bounds a file's tree at a few
// tens of MB.
const MaxNodes = 200_000

type errBudget struct{ why string }

func newBudget(limit time.Duration) *budget {
	if limit <= 0 {
		limit = DefaultFileBudget
	}
	return &budget{deadline: time.Now().Add(limit), limit: limit, maxNodes: MaxNodes}
}

// node counts one built node and checks the clock now and then.
func (b *budget) node() {
	if b == nil {
		return
	}
	b.nodes++
	if b.nodes > b.maxNodes {
		panic(errBudget{fmt.Sprintf("expands to more than %d values (YAML aliases?); lint stopped reading it", b.maxNodes)})
	}
	b.step()
}

// step checks the clock every 256 calls.
func (b *budget) step() {
	if b == nil {
		return
	}
	b.steps++
	if b.steps&255 == 0 && time.Now().After(b.deadline) {
		panic(errBudget{fmt.Sprintf("took longer than %s; lint stopped checking it", b.limit)})
	}
}

// recoverExceeded ends a file whose budget ran out with an L002 error.
// Any other panic is not ours and goes on.
func (b *budget) recoverExceeded(fr *fileResult) {
	r := recover()
	if r == nil {
		return
	}
	e, ok := r.(errBudget)
	if !ok {
		panic(r)
	}
	fr.budgetExceeded(e)
}

// budgetExceeded records a file whose budget ran out.
func (fr *fileResult) budgetExceeded(e errBudget) {
	fr.skipped = ""
	fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeReadError, "", "%s %s", fr.file, e.why)
}
