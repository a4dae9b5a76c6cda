package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/patternc/patternc/bench"
)

// sample is one bench run's ratio for one family and path.
type sample struct {
	side, layout int // side 0 is -a, 1 is -b
	family, path string
	ratio        float64
}

// parseReport reads a `patternc bench --format json` report (bench.Report)
// into samples.
func parseReport(out []byte, side, layout int) ([]sample, error) {
	var rep bench.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, fmt.Errorf("bench report: %w", err)
	}
	if len(rep.Results) == 0 {
		return nil, fmt.Errorf("bench report holds no results")
	}
	var s []sample
	for _, r := range rep.Results {
		s = append(s,
			sample{side, layout, r.Family, "Match", r.Ratio},
			sample{side, layout, r.Family, "MatchTrusted", r.TrustedRatio})
	}
	return s, nil
}

// row is one family and path: per side, the mean over layouts of each
// layout's median ratio, and the lowest and highest layout; change is
// b's mean over a's, less one; paired is the median over the layouts both
// sides ran of b's layout median over a's, less one (a layout's luck
// cancels where it is the same for both, which it need not be).
type row struct {
	family, path string
	mean, lo, hi [2]float64
	change       float64
	paired       float64
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// summarize turns the samples into rows, in the order the families and
// paths first appear.
func summarize(samples []sample, layouts int) []row {
	type key struct{ family, path string }
	var order []key
	runs := map[key][2][][]float64{}
	for _, s := range samples {
		k := key{s.family, s.path}
		r, ok := runs[k]
		if !ok {
			order = append(order, k)
			r = [2][][]float64{make([][]float64, layouts), make([][]float64, layouts)}
		}
		r[s.side][s.layout] = append(r[s.side][s.layout], s.ratio)
		runs[k] = r
	}
	var rows []row
	for _, k := range order {
		r := row{family: k.family, path: k.path}
		var per [2][]float64 // per layout medians, NaN-free
		var pairs []float64
		for l := 0; l < layouts; l++ {
			var m [2]float64
			for side := range 2 {
				if xs := runs[k][side][l]; len(xs) > 0 {
					m[side] = median(xs)
					per[side] = append(per[side], m[side])
				}
			}
			if m[0] > 0 && m[1] > 0 {
				pairs = append(pairs, m[1]/m[0]-1)
			}
		}
		for side := range 2 {
			if len(per[side]) == 0 {
				continue
			}
			sum := 0.0
			for _, x := range per[side] {
				sum += x
			}
			r.mean[side] = sum / float64(len(per[side]))
			r.lo[side], r.hi[side] = slices.Min(per[side]), slices.Max(per[side])
		}
		if r.mean[0] > 0 {
			r.change = r.mean[1]/r.mean[0] - 1
		}
		if len(pairs) > 0 {
			r.paired = median(pairs)
		}
		rows = append(rows, r)
	}
	return rows
}

func writeTable(w io.Writer, sides []string, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "family\tpath\t-a %s: mean (layouts)\t-b %s: mean (layouts)\tchange\tpaired\n", sides[0], sides[1])
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%.3f (%.2f–%.2f)\t%.3f (%.2f–%.2f)\t%+.1f %%\t%+.1f %%\n",
			r.family, r.path, r.mean[0], r.lo[0], r.hi[0], r.mean[1], r.lo[1], r.hi[1], 100*r.change, 100*r.paired)
	}
	tw.Flush()
}
