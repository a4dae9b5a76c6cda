package events

import (
	"errors"

	"github.com/patternc/patternc/compiler"
)

// TestEventPattern reports whether event matches pattern, as AWS's
// TestEventPattern does: through the compiler's checks (AWS's reasons) and
// its reference interpreter. hint carries patternc's advice for a bad
// pattern or event, which AWS's message does not.
func TestEventPattern(pattern, event string) (matched bool, hint string, err error) {
	p, err := compiler.Compile([]byte(pattern), compiler.EventBridge, nil)
	if err != nil {
		var l compiler.ErrorList
		if errors.As(err, &l) && len(l) > 0 {
			hint = l[0].Hint
		}
		return false, hint, apiErr("InvalidEventPatternException", "Event pattern is not valid. Reason: %s", reason(err))
	}
	ex, err := compiler.Explain(p, []byte(event))
	if err != nil {
		var ie *compiler.InputError
		if errors.As(err, &ie) {
			hint = ie.Msg
		}
		return false, hint, apiErr("InvalidArgument", "Parameter Event is not valid.")
	}
	return ex.Matched, "", nil
}
