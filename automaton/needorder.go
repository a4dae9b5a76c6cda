package automaton

// orderNeed orders the two fields a clause's named need holds
// (anchorNeed: the first two required fields, other than the anchor's,
// that fire during the scan), after orderFields, by the share of their
// paths' values alone: the first keys the runs of the anchor's list
// (groupAnchors), which listAnchors reads a run at a time in a list of
// more than flatMax entries, passing over a run whose first predicate
// has not fired. Both fields are tested for every entry either way, and
// decide tests neither again (clauseRec.named), so the order changes no
// answer and no clause decided: only how the list groups. anchorCost's
// presence term, which orderFields sorts by, counts the rules naming a
// path, and is about the same for two fields of one anchor's clauses
// (the anchor fired, so the event is of their kind): what tells which
// of them fires less often is the share. At mixed-10000 the EC2 rules
// anchored on the instance-id prefix "i-0" (which every EC2 event's id
// has) named a state pair (2 of 6 values) first and the region (1 of 4)
// second, as region's 1667 anything-but rules made its presence look
// three times a state's: the list's 36 entries were 18 runs, and every
// EC2 event read them all; by region they are 4 runs, of which one
// fires.
//
// Measured (mixed-10000 trusted, with flatMax 64 -> 24 so that such a
// list is read by runs): callgrind per event over the whole corpus
// (5000 events) MatchTrusted 8862 -> 8677 instructions, listAnchors 967
// -> 773, L1 read misses 82.0 -> 82.6 (the same lines); paired thread
// CPU (bench-like harness, two machines, load 11-16), on-off median
// (q1, q3) ns/event: EC2 events alone -42.0 (-80.0, 3.5) and -45.6
// (-87.8, -3.6) in the two build orders; the whole corpus +9.5 (-50.5,
// 89.8) and -4.4 (-81.5, 88.6), Match +4.0 / -6.8 (quartiles +-110 to
// 190): within the noise at that load; again at 1000 pairs (load 10-13):
// trusted -8.3 (-88.6, 75.0) / -22.9 (-111.6, 81.6), Match +6.6 (-83.6,
// 98.0) / -13.9 (-99.7, 82.4); EC2 events alone Match -44.7 / -49.6. Callgrind's branch model finds
// why: conditional mispredicts +1.2 per event (the program's, over the
// 5000 events), listAnchors 8.7 -> 9.9 per event, the branches on the
// runs of the lists now read by runs; the
// EC2-only stream, where each list is read the same way event after
// event, learns them.
//
// Re-measured at 8e201d9 (callgrind by MatchTrusted alone, 5000 events;
// paired, 600 pairs of one kind or 1500 of the corpus, load 10-17): no
// kind loses, and the whole corpus gains what EC2 events do, a fifth of
// their gain, below the paired resolution: per kind (ab) EC2 -45.7 (q1
// -84.7, q3 -4.7), small and large CloudTrail -0.1, S3 -1.1, orders
// -1.5 ns/event; the corpus -7.1 (ab) / -2.1 (ba). CloudTrail gains no
// time for its instructions (1170 -> 1014 in listAnchors): its lists of
// 25-27 entries, now read by runs, pay about one more mispredict per
// event (10.2 -> 11.0). With the counts of the whole rule set
// (planstats.go), against it alone: trusted -27.9 (-101, +50) ab /
// -14.0 (-88, +59) ba; both against neither: trusted -52.6 / -35.8,
// Match -67.5 / -56.3, EC2 events alone -103.2 (-169, -35).
func (m *Machine) orderNeed(fields []fieldRec) {
	a, b := -1, -1
	for i, f := range fields {
		if f.pred < 0 || f.lazy || f.allowAbsent || f.pred > needMax || i == len(fields)-1 {
			continue // as anchorNeed passes over them; the anchor is last
		}
		if a >= 0 {
			b = i
			break
		}
		a = i
	}
	if b < 0 {
		return
	}
	if m.valueShare(m.preds[fields[b].pred]) < m.valueShare(m.preds[fields[a].pred]) {
		fields[a], fields[b] = fields[b], fields[a]
	}
}

// valueShare is anchorCost without its presence term: the share of its
// path's values that pw names.
func (m *Machine) valueShare(pw *predW) float64 {
	return m.anchorCost(pw) / float64(m.pathRefs[pw.rec.pathIdx]+1)
}
