package reason

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/valueset"
)

// TestBudgetDiagnostic: a comparison whose difference would split into
// more boxes than MaxBoxes stops with ErrBudget, quickly, instead of
// hanging; so does an automaton past valueset.MaxStates.
func TestBudgetDiagnostic(t *testing.T) {
	var branches []string
	for i := 0; i < 24; i++ {
		branches = append(branches, fmt.Sprintf(`{"p%d":[{"prefix":"a"}],"q%d":[{"suffix":"b"}]}`, i, i))
	}
	old, err := compiler.Compile([]byte(`{"$or":[`+strings.Join(branches, ",")+`]}`), compiler.EventBridge, &compiler.Options{MaxSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	new, _ := compiler.Compile([]byte(`{"z":["x"]}`), compiler.EventBridge, nil)
	start := time.Now()
	_, err = Compare(old, new)
	if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "more than 4096 parts") {
		t.Fatalf("got %v, want ErrBudget", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("the budget took %v to trip", d)
	}
	err = func() (err error) {
		defer guard(&err)
		panic(&valueset.BudgetError{What: "intersection"})
	}()
	if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "intersection needs more than") {
		t.Fatalf("a state budget panic became %v", err)
	}
}
