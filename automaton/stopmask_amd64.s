//go:build amd64 && !purego

#include "textflag.h"

// func asciiStopMask(d []byte, i int) uint64
TEXT ·asciiStopMask(SB), NOSPLIT, $0-40
	CMPB ·stopsAVX2(SB), $0
	JEQ  sse2
	JMP  ·asciiStopMaskAVX2(SB)

sse2:
	JMP ·asciiStopMaskSSE2(SB)

// The bytes the AVX2 kernels compare with, 32 of each, read as memory
// operands (skipCompactAVX2 loads them once): '"', '\\', and 0x20
// (0x20 > x, signed, is a control character or a byte over 0x7F).
// (Broadcast from registers on each call, they cost six instructions
// more of a kernel of twenty.)
DATA ·stopBytes+0(SB)/8, $0x2222222222222222
DATA ·stopBytes+8(SB)/8, $0x2222222222222222
DATA ·stopBytes+16(SB)/8, $0x2222222222222222
DATA ·stopBytes+24(SB)/8, $0x2222222222222222
DATA ·stopBytes+32(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA ·stopBytes+40(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA ·stopBytes+48(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA ·stopBytes+56(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA ·stopBytes+64(SB)/8, $0x2020202020202020
DATA ·stopBytes+72(SB)/8, $0x2020202020202020
DATA ·stopBytes+80(SB)/8, $0x2020202020202020
DATA ·stopBytes+88(SB)/8, $0x2020202020202020
GLOBL ·stopBytes(SB), RODATA|NOPTR, $96

// func asciiStopMaskAVX2(d []byte, i int) uint64
TEXT ·asciiStopMaskAVX2(SB), NOSPLIT, $0-40
	MOVQ d_base+0(FP), SI
	ADDQ i+24(FP), SI
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU ·stopBytes+64(SB), Y4
	VPCMPEQB ·stopBytes+0(SB), Y0, Y5
	VPCMPEQB ·stopBytes+32(SB), Y0, Y6
	VPCMPGTB Y0, Y4, Y7
	VPCMPEQB ·stopBytes+0(SB), Y1, Y8
	VPCMPEQB ·stopBytes+32(SB), Y1, Y9
	VPCMPGTB Y1, Y4, Y10
	VPOR Y5, Y6, Y5
	VPOR Y8, Y9, Y8
	VPOR Y5, Y7, Y5
	VPOR Y8, Y10, Y8
	VPMOVMSKB Y5, AX
	VPMOVMSKB Y8, CX
	VZEROUPPER
	SHLQ $32, CX
	ORQ  CX, AX
	MOVQ AX, ret+32(FP)
	RET

// func asciiStopMaskSSE2(d []byte, i int) uint64
//
// asciiStopMask with 16-byte compares: X8 holds '"' in every byte, X9
// '\\', X10 0x20.
TEXT ·asciiStopMaskSSE2(SB), NOSPLIT, $0-40
	MOVQ d_base+0(FP), SI
	ADDQ i+24(FP), SI
	MOVQ $0x2222222222222222, AX
	MOVQ $0x5c5c5c5c5c5c5c5c, CX
	MOVQ $0x2020202020202020, DX
	MOVQ AX, X8
	MOVQ CX, X9
	MOVQ DX, X10
	PUNPCKLQDQ X8, X8
	PUNPCKLQDQ X9, X9
	PUNPCKLQDQ X10, X10
	XORQ R8, R8 // stops
	MOVQ $0, CX // shift

sse2loop:
	MOVOU    0(SI), X0
	MOVOU    X0, X1
	MOVOU    X10, X2
	PCMPGTB  X0, X2
	PCMPEQB  X8, X0
	PCMPEQB  X9, X1
	POR      X1, X0
	POR      X2, X0
	PMOVMSKB X0, AX
	SHLQ     CX, AX
	ORQ      AX, R8
	ADDQ     $16, SI
	ADDQ     $16, CX
	CMPQ     CX, $64
	JLT      sse2loop

	MOVQ R8, ret+32(FP)
	RET
