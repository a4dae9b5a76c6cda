package server

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// epoch is a timestamp as awsJson carries it: seconds since the epoch, a
// JSON number with a fraction (awsQuery output turns it into ISO-8601).
// Input also accepts an ISO-8601 string, as AWS does.
type epoch struct{ time.Time }

func (e epoch) MarshalJSON() ([]byte, error) {
	if e.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(float64(e.UnixMilli())/1000, 'f', -1, 64)), nil
}

func (e *epoch) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("timestamp %q is not ISO-8601", s)
		}
		e.Time = t
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		return fmt.Errorf("timestamp %s is not a number of seconds", b)
	}
	sec, frac := math.Modf(f)
	e.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// epochOf is t for an output, nil (left out) when zero.
func epochOf(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return epoch{t}
}

// dropNulls removes nil members from output maps (and maps inside lists),
// so optional members that are absent are left out as AWS leaves them.
func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
			} else {
				x[k] = dropNulls(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = dropNulls(e)
		}
	}
	return v
}

// page returns one page of names (sorted) after token, at most limit
// (0: def), and the token of the next page. Tokens are opaque: the
// base64 of the last name handed out, so a page stays right when
// resources come and go between calls.
func page(names []string, token string, limit, def int) (out []string, next string, err error) {
	sort.Strings(names)
	if limit <= 0 {
		limit = def
	}
	start := 0
	if token != "" {
		last, derr := base64.RawURLEncoding.DecodeString(token)
		if derr != nil || len(last) == 0 {
			return nil, "", errBadToken
		}
		start = sort.SearchStrings(names, string(last))
		if start < len(names) && names[start] == string(last) {
			start++
		}
	}
	end := start + limit
	if end >= len(names) {
		return names[start:], "", nil
	}
	return names[start:end], base64.RawURLEncoding.EncodeToString([]byte(names[end-1])), nil
}

var errBadToken = fmt.Errorf("invalid NextToken")

// prefixed keeps the names starting with prefix.
func withPrefix(names []string, prefix string) []string {
	if prefix == "" {
		return names
	}
	out := names[:0:0]
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
