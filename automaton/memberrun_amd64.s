//go:build amd64 && !purego

#include "textflag.h"

// func runBytesAVX2(p *byte, t *memberRun, nb int) bool
//
// memberRun.test (memberrun.go) of nb blocks of 32 bytes at p, against
// the run's bytes (t.tmpl at 0), its care bits (t.care at 256, a uint32
// a block) and its free bits (t.free at 288). Y2 holds '"' in every
// byte, Y3 '\\' (stopBytes, stopmask_amd64.s); R8 gathers the failures.
TEXT ·runBytesAVX2(SB), NOSPLIT, $0-25
	MOVQ p+0(FP), SI
	MOVQ t+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU ·stopBytes+0(SB), Y2
	VMOVDQU ·stopBytes+32(SB), Y3
	XORQ R8, R8
	XORQ R9, R9  // the block's offset
	XORQ R10, R10 // its bits' offset

loop:
	VMOVDQU  0(SI)(R9*1), Y0
	VPCMPEQB 0(DI)(R9*1), Y0, Y1
	VPCMPEQB Y2, Y0, Y4
	VPCMPEQB Y3, Y0, Y5
	VPOR     Y4, Y5, Y4
	VPMOVMSKB Y1, AX
	VPMOVMSKB Y4, BX
	NOTL     AX
	ANDL     256(DI)(R10*1), AX
	ANDL     288(DI)(R10*1), BX
	ORL      AX, R8
	ORL      BX, R8
	ADDQ     $32, R9
	ADDQ     $4, R10
	DECQ     CX
	JNZ      loop

	VZEROUPPER
	TESTL R8, R8
	SETEQ ret+24(FP)
	RET
