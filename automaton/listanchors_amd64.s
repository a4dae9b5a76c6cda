//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"

// func listAnchorsAMD64(out *candidate, nout int, fired *int32, nfired int, pred *predState, npred int, fm *uint8, nfm int, mark uint8, epoch uint32) int
// listAnchorsGo's loops (listanchors.go). Registers: DI the next
// candidate, SI the next fired id, CX how many are left; BX a list's
// entries, DX the entry read (k), R9 the end of a fired run (lo); R10,
// R11 the marks and their length, R12 the mark, R13 the arr byte. The
// entries and candidates are 16 bytes (listanchors_amd64.go).
TEXT ·listAnchorsAMD64(SB), NOSPLIT, $0-80
	MOVQ    out+0(FP), DI
	MOVQ    fired+16(FP), SI
	MOVQ    nfired+24(FP), CX
	MOVQ    fm+48(FP), R10
	MOVQ    nfm+56(FP), R11
	MOVBQZX mark+64(FP), R12
	TESTQ   CX, CX
	JLE     done

pred:
	// ps := &pred[p], passed over when p is outside pred or anchors nothing.
	MOVLQSX (SI), AX
	ADDQ    $4, SI
	CMPQ    AX, npred+40(FP)
	JAE     nextpred
	IMULQ   $predState__size, AX
	ADDQ    pred+32(FP), AX
	MOVL    predState_anchors(AX), R8
	TESTL   R8, R8
	JEQ     nextpred
	XORL    R13, R13
	MOVL    predState_arr(AX), R8
	CMPL    R8, epoch+68(FP)
	SETEQ   R13B
	MOVQ    predState_rec(AX), BX
	MOVQ    (predRec_anchors+8)(BX), DX // len
	MOVQ    predRec_anchors(BX), BX
	// Room for every entry in out, else stop (never).
	MOVQ    DX, AX
	SHLQ    $4, AX
	ADDQ    DI, AX
	MOVQ    nout+8(FP), R8
	SHLQ    $4, R8
	ADDQ    out+0(FP), R8
	CMPQ    AX, R8
	JHI     done
	DECQ    DX
	JLT     nextpred

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
	// lo := max(k-max(run, 1), -1)
	SHRQ    $48, R8
	ANDL    $0x7fff, R8
	MOVL    $1, R9
	CMPQ    R8, R9
	CMOVQLT R9, R8
	MOVQ    DX, R9
	SUBQ    R8, R9
	MOVQ    $-1, R8
	CMPQ    R9, R8
	CMOVQLT R8, R9

entry:
	// Every entry of the run is written; out moves past it when its
	// second predicate has fired.
	MOVQ    DX, AX
	SHLQ    $4, AX
	MOVQ    anchorRef_cl(BX)(AX*1), R8
	MOVQ    R8, candidate_cl(DI)
	MOVB    $0, candidate_kind(DI)
	MOVB    R13, candidate_arr(DI)
	MOVQ    anchorRef_need(BX)(AX*1), R8
	SHRQ    $24, R8
	ANDL    $0xffffff, R8
	CMPQ    R8, R11
	JAE     nextentry
	XORL    AX, AX
	CMPB    (R10)(R8*1), R12
	SETEQ   AL
	SHLQ    $4, AX
	ADDQ    AX, DI

nextentry:
	DECQ    DX
	CMPQ    DX, R9
	JGT     entry
	JMP     nextrun

skiprun:
	// k -= max(run, 1)
	SHRQ    $48, R8
	ANDL    $0x7fff, R8
	MOVL    $1, R9
	CMPQ    R8, R9
	CMOVQLT R9, R8
	SUBQ    R8, DX

nextrun:
	TESTQ   DX, DX
	JGE     run

nextpred:
	DECQ    CX
	JNZ     pred

done:
	SUBQ    out+0(FP), DI
	SHRQ    $4, DI
	MOVQ    DI, ret+72(FP)
	RET
