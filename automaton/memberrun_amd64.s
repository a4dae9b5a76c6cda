//go:build amd64 && !purego

#include "textflag.h"

// RUNBLOCK32 tests the 32-byte block at R9 of p (SI) against the run (DI),
// its bits at R10, as memberRun.test does, and ORs its failures into R8:
// Y2 holds '"' in every byte, Y3 '\\'. (ORQ, not ORL, so that an
// AVX-512 kernel's 64-bit failures above it stay: NOTL and ANDL have
// cleared AX's and BX's high halves.)
#define RUNBLOCK32 \
	VMOVDQU   0(SI)(R9*1), Y0; \
	VPCMPEQB  0(DI)(R9*1), Y0, Y1; \
	VPCMPEQB  Y2, Y0, Y4; \
	VPCMPEQB  Y3, Y0, Y5; \
	VPOR      Y4, Y5, Y4; \
	VPMOVMSKB Y1, AX; \
	VPMOVMSKB Y4, BX; \
	NOTL      AX; \
	ANDL      256(DI)(R10*1), AX; \
	ANDL      288(DI)(R10*1), BX; \
	ORQ       AX, R8; \
	ORQ       BX, R8

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
	RUNBLOCK32
	ADDQ     $32, R9
	ADDQ     $4, R10
	DECQ     CX
	JNZ      loop

	VZEROUPPER
	TESTL R8, R8
	SETEQ ret+24(FP)
	RET

// func runBytesAVX512(p *byte, t *memberRun, nb int) bool
//
// runBytesAVX2 two blocks at a time: one 64-byte compare per kind into a
// mask register, the care and free bits of both blocks one uint64 each;
// an odd last block as runBytesAVX2 reads it. Z2 holds '"' in every
// byte, Z3 '\\' (their low halves are Y2 and Y3).
TEXT ·runBytesAVX512(SB), NOSPLIT, $0-25
	MOVQ         p+0(FP), SI
	MOVQ         t+8(FP), DI
	MOVQ         nb+16(FP), CX
	VPBROADCASTB ·stopBytes+0(SB), Z2
	VPBROADCASTB ·stopBytes+32(SB), Z3
	XORQ         R8, R8
	XORQ         R9, R9   // the block's offset
	XORQ         R10, R10 // its bits' offset
	SUBQ         $2, CX
	JLT          one

pair:
	VMOVDQU64 0(SI)(R9*1), Z0
	VPCMPEQB  0(DI)(R9*1), Z0, K1
	VPCMPEQB  Z2, Z0, K2
	VPCMPEQB  Z3, Z0, K3
	KORQ      K2, K3, K2
	KMOVQ     K1, AX
	KMOVQ     K2, BX
	NOTQ      AX
	ANDQ      256(DI)(R10*1), AX
	ANDQ      288(DI)(R10*1), BX
	ORQ       AX, R8
	ORQ       BX, R8
	ADDQ      $64, R9
	ADDQ      $8, R10
	SUBQ      $2, CX
	JGE       pair

one:
	// CX is -1 after an odd count of blocks, -2 after an even one.
	CMPQ      CX, $-1
	JNE       done
	RUNBLOCK32

done:
	VZEROUPPER
	TESTQ R8, R8
	SETEQ ret+24(FP)
	RET
