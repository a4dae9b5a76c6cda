package repogen

import (
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/lint"
)

// TestWrite lints a small generated repository: exactly the planted errors
// are found, and the ordinary files give nothing.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	st, err := Write(dir, 300)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run([]string{dir}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs, _, _ := res.Counts()
	if st.Files != 300 || errs != st.Errors || st.Errors == 0 {
		t.Fatalf("wrote %+v; lint found %d errors", st, errs)
	}
	for _, f := range res.Findings {
		if f.Severity == compiler.SeverityError && f.Code != "E208" {
			t.Errorf("unplanted error: %+v", f)
		}
	}
}
