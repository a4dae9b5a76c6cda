//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"

// PREDSTATE sets AX to &pred[p] for the predicate id p at (ids), or jumps
// to skip when p lies outside pred: the prefetch pass and the listing pass
// both find a fired predicate's scratch this way.
#define PREDSTATE(ids, skip) \
	MOVLQSX (ids), AX; \
	CMPQ    AX, npred-16(SP); \
	JAE     skip; \
	IMULQ   $predState__size, AX; \
	ADDQ    predp-8(SP), AX

// func listAnchorsAMD64(mt *Matcher, n int, fired *int32, nfired int) (end, done int)
// listAnchorsGo (listanchors.go) over mt's fields (go_asm.h). Registers:
// DI the next candidate, SI the fired id read, CX how many are left; BX
// a list's entries, AX the entry read; R10, R11 the marks and their
// length, R12 the mark, R13 the arr byte, R14 the kind. The loop's other values are in the frame: the predicates and
// their number, the end of mt.cands' capacity, the first candidate
// written, the epochs. The entries and candidates are 16 bytes
// (listanchors_amd64.go).
TEXT ·listAnchorsAMD64(SB), NOSPLIT, $48-48
	MOVQ    mt+0(FP), AX
	MOVQ    Matcher_cands(AX), R8
	MOVQ    (Matcher_cands+16)(AX), R9 // cap
	SHLQ    $4, R9
	ADDQ    R8, R9
	MOVQ    R9, oend-24(SP)
	MOVQ    n+8(FP), DI
	SHLQ    $4, DI
	ADDQ    R8, DI
	MOVQ    DI, ostart-32(SP)
	MOVQ    Matcher_pred(AX), R8
	MOVQ    R8, predp-8(SP)
	MOVQ    (Matcher_pred+8)(AX), R8
	MOVQ    R8, npred-16(SP)
	MOVL    Matcher_epoch(AX), R8
	MOVL    R8, epoch-36(SP)
	MOVL    Matcher_snapEpoch(AX), R8
	MOVL    R8, snap-40(SP)
	MOVQ    Matcher_firedMark(AX), R10
	MOVQ    (Matcher_firedMark+8)(AX), R11
	MOVBQZX Matcher_mark(AX), R12
	MOVQ    fired+16(FP), SI
	MOVQ    nfired+24(FP), CX
	TESTQ   CX, CX
	JLE     finish

	// The records' lines asked for at once, so that their misses overlap
	// (the loop below reads each behind the previous list).
	MOVQ    SI, BX
	MOVQ    CX, DX

prefetch:
	PREDSTATE(BX, nextprefetch)
	MOVQ    predState_rec(AX), R8
	TESTQ   R8, R8
	JEQ     nextprefetch
	PREFETCHT0 predRec_anchors(R8)

nextprefetch:
	ADDQ    $4, BX
	DECQ    DX
	JNZ     prefetch

pred:
	// ps := &pred[p], passed over when p is outside pred or anchors
	// nothing; a stale record stops the list (the caller loads it).
	PREDSTATE(SI, nextpred)
	MOVL    predState_recEpoch(AX), R8
	CMPL    R8, snap-40(SP)
	JCS     finish
	MOVL    predState_anchors(AX), R8
	TESTL   R8, R8
	JEQ     nextpred
	XORL    R13, R13
	MOVL    predState_arr(AX), R8
	CMPL    R8, epoch-36(SP)
	SETEQ   R13B
	MOVQ    predState_rec(AX), BX
	MOVQ    (predRec_anchors+8)(BX), DX // len
	MOVQ    predRec_anchors(BX), BX
	// Room for every entry in out, else stop (the caller grows it).
	MOVQ    DX, AX
	SHLQ    $4, AX
	ADDQ    DI, AX
	CMPQ    AX, oend-24(SP)
	JHI     finish
	CMPQ    DX, $const_flatMax
	JHI     runs
	TESTQ   DX, DX
	JEQ     nextpred
	SHLQ    $4, DX
	LEAQ    -16(BX)(DX*1), AX

entry:
	// Every entry is written, from the last; out moves past it when both
	// predicates its need names have fired.
	MOVQ    anchorRef_cl(AX), R8
	MOVQ    R8, candidate_cl(DI)
	MOVB    R13, candidate_arr(DI)
	MOVQ    anchorRef_need(AX), R8
	MOVQ    R8, R14
	SHRQ    $const_needKind, R14
	ANDL    $7, R14
	MOVB    R14, candidate_kind(DI)
	MOVL    R8, R9
	ANDL    $0xffffff, R9
	SHRQ    $24, R8
	ANDL    $0xffffff, R8
	CMPQ    R9, R11
	JAE     nextentry
	CMPQ    R8, R11
	JAE     nextentry
	CMPB    (R10)(R9*1), R12
	SETEQ   R9B
	CMPB    (R10)(R8*1), R12
	SETEQ   R8B
	ANDL    R9, R8
	MOVBQZX R8B, R8
	SHLQ    $4, R8
	ADDQ    R8, DI

nextentry:
	SUBQ    $16, AX
	CMPQ    AX, BX
	JAE     entry
	JMP     nextpred

runs:
	// A list of more than flatMax entries is read a run at a time
	// (listAnchorsGo): DX the entry read (k), R9 the end of a fired run
	// (lo).
	DECQ    DX

run:
	// need := entries[k].need; a run whose first predicate has not
	// fired is passed over.
	MOVQ    DX, AX
	SHLQ    $4, AX
	MOVQ    anchorRef_need(BX)(AX*1), R8
	MOVL    R8, R9
	ANDL    $0xffffff, R9
	CMPQ    R9, R11
	JAE     skiprun
	CMPB    (R10)(R9*1), R12
	JNE     skiprun
	// lo := max(k-max(run, 1), -1), as a pointer to entry lo
	SHRQ    $48, R8
	ANDL    $const_needRunMx, R8
	MOVL    $1, R9
	CMPQ    R8, R9
	CMOVQLT R9, R8
	MOVQ    DX, R9
	SUBQ    R8, R9
	MOVQ    $-1, R8
	CMPQ    R9, R8
	CMOVQLT R8, R9
	SHLQ    $4, R9
	ADDQ    BX, R9
	LEAQ    (BX)(AX*1), AX

runentry:
	// Every entry of the run is written; out moves past it when its
	// second predicate has fired.
	MOVQ    anchorRef_cl(AX), R8
	MOVQ    R8, candidate_cl(DI)
	MOVB    R13, candidate_arr(DI)
	MOVQ    anchorRef_need(AX), R8
	MOVQ    R8, R14
	SHRQ    $const_needKind, R14
	ANDL    $7, R14
	MOVB    R14, candidate_kind(DI)
	SHRQ    $24, R8
	ANDL    $0xffffff, R8
	CMPQ    R8, R11
	JAE     nextrunentry
	CMPB    (R10)(R8*1), R12
	SETEQ   R8B
	MOVBQZX R8B, R8
	SHLQ    $4, R8
	ADDQ    R8, DI

nextrunentry:
	SUBQ    $16, AX
	DECQ    DX
	CMPQ    AX, R9
	JHI     runentry
	JMP     nextrun

skiprun:
	// k -= max(run, 1)
	SHRQ    $48, R8
	ANDL    $const_needRunMx, R8
	MOVL    $1, R9
	CMPQ    R8, R9
	CMOVQLT R9, R8
	SUBQ    R8, DX

nextrun:
	TESTQ   DX, DX
	JGE     run

nextpred:
	ADDQ    $4, SI
	DECQ    CX
	JNZ     pred

finish:
	// The candidates' records asked for, their first two lines, in a loop
	// of its own that nothing waits on, so that the misses overlap where
	// deciding each clause waited for its lines in turn. A clause's first
	// pattern and its kept ranges are in its second line, in each way
	// write.go and lazyrange.go allocate it, and its address does not wait
	// on the record (mixed-10000 paired thread CPU: trusted -3.3%, Match
	// -3..-4.5%; prefetching the pattern list through the record's pointer
	// instead, or each anchor list's last line, was neutral or worse). The
	// kinds are written from the entries (needKind): loading each from its
	// record's first line here held the kernel's return behind those
	// misses (paired thread CPU, 400 pairs, load 6-10: trusted -41/-25 ns
	// per event, Match -18, for 133 instructions more in the entry loops;
	// without the prefetches, +40 ns).
	MOVQ    ostart-32(SP), AX

kinds:
	CMPQ    AX, DI
	JCC     done
	MOVQ    candidate_cl(AX), R8
	PREFETCHT0 (R8)
	PREFETCHT0 64(R8)
	ADDQ    $16, AX
	JMP     kinds

done:
	MOVQ    mt+0(FP), AX
	SUBQ    Matcher_cands(AX), DI
	SHRQ    $4, DI
	MOVQ    DI, end+32(FP)
	MOVQ    nfired+24(FP), AX
	SUBQ    CX, AX
	MOVQ    AX, done+40(FP)
	RET
