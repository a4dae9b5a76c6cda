//go:build amd64 && !purego

#include "textflag.h"

// func quoteMasks(d []byte, i int) (q, b uint64)
TEXT ·quoteMasks(SB), NOSPLIT, $0-48
	CMPB ·masksAVX512(SB), $0
	JNE  avx512
	CMPB ·masksAVX2(SB), $0
	JEQ  sse2
	JMP  ·quoteMasksAVX2(SB)

avx512:
	JMP ·quoteMasksAVX512(SB)

sse2:
	JMP ·quoteMasksSSE2(SB)

// func quoteMasksAVX2(d []byte, i int) (q, b uint64)
//
// quoteMasks (trustspan_amd64.go) with 32-byte compares: Y2 holds '"'
// in every byte, Y3 '\\'.
TEXT ·quoteMasksAVX2(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), SI
	ADDQ i+24(FP), SI
	MOVL $0x22, AX
	MOVL $0x5c, CX
	VMOVD AX, X2
	VMOVD CX, X3
	VPBROADCASTB X2, Y2
	VPBROADCASTB X3, Y3
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1
	VPCMPEQB Y2, Y0, Y4
	VPCMPEQB Y2, Y1, Y5
	VPCMPEQB Y3, Y0, Y6
	VPCMPEQB Y3, Y1, Y7
	VPMOVMSKB Y4, AX
	VPMOVMSKB Y5, CX
	VPMOVMSKB Y6, DX
	VPMOVMSKB Y7, BX
	VZEROUPPER
	SHLQ $32, CX
	SHLQ $32, BX
	ORQ  CX, AX
	ORQ  BX, DX
	MOVQ AX, q+32(FP)
	MOVQ DX, b+40(FP)
	RET

// func quoteMasksAVX512(d []byte, i int) (q, b uint64)
//
// quoteMasks with one 64-byte compare per kind into a mask register: Z2
// holds '"' in every byte, Z3 '\\'.
TEXT ·quoteMasksAVX512(SB), NOSPLIT, $0-48
	MOVQ         d_base+0(FP), SI
	ADDQ         i+24(FP), SI
	MOVL         $0x22, AX
	MOVL         $0x5c, CX
	VPBROADCASTB AX, Z2
	VPBROADCASTB CX, Z3
	VMOVDQU64    0(SI), Z0
	VPCMPEQB     Z2, Z0, K1
	VPCMPEQB     Z3, Z0, K2
	KMOVQ        K1, AX
	KMOVQ        K2, DX
	VZEROUPPER
	MOVQ         AX, q+32(FP)
	MOVQ         DX, b+40(FP)
	RET

// func quoteMasksSSE2(d []byte, i int) (q, b uint64)
//
// quoteMasks with 16-byte compares: X8 holds '"' in every byte, X9 '\\'.
TEXT ·quoteMasksSSE2(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), SI
	ADDQ i+24(FP), SI
	MOVQ $0x2222222222222222, AX
	MOVQ $0x5c5c5c5c5c5c5c5c, CX
	MOVQ AX, X8
	MOVQ CX, X9
	PUNPCKLQDQ X8, X8
	PUNPCKLQDQ X9, X9
	XORQ R8, R8 // quotes
	XORQ R9, R9 // backslashes
	MOVQ $0, CX // shift

sse2loop:
	MOVOU    0(SI), X0
	MOVOU    X0, X1
	PCMPEQB  X8, X0
	PCMPEQB  X9, X1
	PMOVMSKB X0, AX
	PMOVMSKB X1, DX
	SHLQ     CX, AX
	SHLQ     CX, DX
	ORQ      AX, R8
	ORQ      DX, R9
	ADDQ     $16, SI
	ADDQ     $16, CX
	CMPQ     CX, $64
	JLT      sse2loop

	MOVQ R8, q+32(FP)
	MOVQ R9, b+40(FP)
	RET
