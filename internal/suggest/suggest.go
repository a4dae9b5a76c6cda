package suggest

import "strings"

// Closest returns the candidate nearest to word, or "" when none is near:
// equal once case, '-', '_' and spaces are ignored (equals_ignore_case →
// equals-ignore-case), or within an edit distance of 2 for words longer
// than 3 bytes (prefx → prefix). Candidates equal to word are skipped.
func Closest(word string, candidates []string) string {
	norm := Normalize(word)
	best, bestDist := "", 3
	for _, c := range candidates {
		if c == word {
			continue
		}
		if Normalize(c) == norm {
			return c
		}
		if len(word) <= 3 {
			continue
		}
		if d := Distance(strings.ToLower(word), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// Normalize lower-cases s and drops '-', '_' and spaces.
func Normalize(s string) string {
	return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
}

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
