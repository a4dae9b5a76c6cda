//go:build amd64 && !purego

#include "textflag.h"

// '"' and '\\' in each of 32 bytes, and the odd bits of a word (symbols
// with <> are the file's own: trustblocks_amd64.s has its copies).
DATA ixquotes<>+0(SB)/8, $0x2222222222222222
DATA ixquotes<>+8(SB)/8, $0x2222222222222222
DATA ixquotes<>+16(SB)/8, $0x2222222222222222
DATA ixquotes<>+24(SB)/8, $0x2222222222222222
GLOBL ixquotes<>(SB), RODATA|NOPTR, $32

DATA ixbackslashes<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA ixbackslashes<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA ixbackslashes<>+16(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA ixbackslashes<>+24(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL ixbackslashes<>(SB), RODATA|NOPTR, $32

DATA ixodd<>+0(SB)/8, $0xaaaaaaaaaaaaaaaa
GLOBL ixodd<>(SB), RODATA|NOPTR, $8

// func indexBlocksAVX2(d, q, bs []byte, from, to int, carry uint64) (carry2, any uint64)
//
// Per block of 64 bytes: the quote and backslash bits from two 32-byte
// compares each; where the block has a backslash or an escape carried
// in, the escaped bytes as in escapedBits (trustindex.go), whose quotes
// are dropped. A last block shorter than 64 bytes is read as the last 64
// bytes of d, its bits shifted down to the block's start (the caller
// sees to it that d has 64 bytes and that q and bs hold 8 bytes for
// every block up to to). Registers: SI the block's bytes, DI and DX the
// words of q and bs written, BX the blocks left, R8 the escape carried
// in (0 or 1), R14 the backslashes ORed, R15 the end of d; Y8 and Y9
// hold '"' and '\\' in every byte.
TEXT ·indexBlocksAVX2(SB), NOSPLIT, $0-112
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), R15
	ADDQ SI, R15
	MOVQ from+72(FP), AX
	MOVQ to+80(FP), BX
	SUBQ AX, BX
	MOVQ q_base+24(FP), DI
	MOVQ bs_base+48(FP), DX
	LEAQ 0(DI)(AX*8), DI
	LEAQ 0(DX)(AX*8), DX
	SHLQ $6, AX
	ADDQ AX, SI
	MOVQ carry+88(FP), R8
	XORL R14, R14
	TESTQ BX, BX
	JLE   done

	VMOVDQU ixquotes<>(SB), Y8
	VMOVDQU ixbackslashes<>(SB), Y9

block:
	LEAQ 64(SI), CX
	CMPQ CX, R15
	JGT  short

	VMOVDQU   0(SI), Y0
	VMOVDQU   32(SI), Y1
	VPCMPEQB  Y9, Y0, Y2
	VPMOVMSKB Y2, R12
	VPCMPEQB  Y9, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R12 // the backslashes
	VPCMPEQB  Y8, Y0, Y2
	VPMOVMSKB Y2, R9
	VPCMPEQB  Y8, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R9 // the quotes

classify:
	MOVQ      R12, 0(DX)
	ORQ       R12, R14
	MOVQ      R12, CX
	ORQ       R8, CX
	JZ        store

	// escapedBits: R10 the escape carried in, R12 the backslashes not
	// escaped, R11 the starts of their runs.
	MOVQ  R8, R10
	ANDNQ R12, R10, R12
	MOVQ  R12, R11
	SHLQ  $1, R11
	ANDNQ R12, R11, R11
	MOVQ  R11, CX
	ANDQ  ixodd<>(SB), CX // the starts at odd bits
	XORQ  CX, R11         // the starts at even bits
	ADDQ  R12, CX
	SBBQ  R8, R8          // an odd run to the block's end: -1
	ADDQ  R12, R11
	ANDNQ CX, R12, CX     // x: after the runs that start at odd bits
	ANDNQ R11, R12, R11   // y: after those that start at even bits
	XORQ  CX, R11
	ANDQ  ixodd<>(SB), R11
	XORQ  CX, R11         // x at even bits, y at odd ones
	ORQ   R10, R11        // the escaped bytes
	ANDNQ R9, R11, R9     // the quotes not escaped
	NEGQ  R8

store:
	MOVQ R9, 0(DI)
	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, DX
	DECQ BX
	JNZ  block
	VZEROUPPER

done:
	MOVQ R8, carry2+96(FP)
	MOVQ R14, any+104(FP)
	RET

short:
	// The last block, of R15-SI bytes (1..63): the last 64 bytes of d,
	// shifted down by the bytes before the block (64-(R15-SI)), which
	// brings in zeros above its end.
	VMOVDQU   -64(R15), Y0
	VMOVDQU   -32(R15), Y1
	VPCMPEQB  Y9, Y0, Y2
	VPMOVMSKB Y2, R12
	VPCMPEQB  Y9, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R12
	VPCMPEQB  Y8, Y0, Y2
	VPMOVMSKB Y2, R9
	VPCMPEQB  Y8, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R9
	MOVQ      SI, CX
	SUBQ      R15, CX
	ADDQ      $64, CX // 64 - the block's bytes
	SHRQ      CX, R12
	SHRQ      CX, R9
	MOVQ      $1, BX  // the last block
	JMP       classify
