//go:build amd64 && !purego

#include "textflag.h"

// 32 bytes of one value each, for the compares (SSE2 uses 16).
DATA quotes<>+0(SB)/8, $0x2222222222222222
DATA quotes<>+8(SB)/8, $0x2222222222222222
DATA quotes<>+16(SB)/8, $0x2222222222222222
DATA quotes<>+24(SB)/8, $0x2222222222222222
GLOBL quotes<>(SB), RODATA|NOPTR, $32

DATA backslashes<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslashes<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslashes<>+16(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslashes<>+24(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL backslashes<>(SB), RODATA|NOPTR, $32

DATA bit5<>+0(SB)/8, $0x2020202020202020
DATA bit5<>+8(SB)/8, $0x2020202020202020
DATA bit5<>+16(SB)/8, $0x2020202020202020
DATA bit5<>+24(SB)/8, $0x2020202020202020
GLOBL bit5<>(SB), RODATA|NOPTR, $32

DATA opens<>+0(SB)/8, $0x7b7b7b7b7b7b7b7b
DATA opens<>+8(SB)/8, $0x7b7b7b7b7b7b7b7b
DATA opens<>+16(SB)/8, $0x7b7b7b7b7b7b7b7b
DATA opens<>+24(SB)/8, $0x7b7b7b7b7b7b7b7b
GLOBL opens<>(SB), RODATA|NOPTR, $32

DATA closes<>+0(SB)/8, $0x7d7d7d7d7d7d7d7d
DATA closes<>+8(SB)/8, $0x7d7d7d7d7d7d7d7d
DATA closes<>+16(SB)/8, $0x7d7d7d7d7d7d7d7d
DATA closes<>+24(SB)/8, $0x7d7d7d7d7d7d7d7d
GLOBL closes<>(SB), RODATA|NOPTR, $32

// The odd bits, for telling the runs of backslashes that start at an odd
// byte from those that start at an even one.
DATA oddbits<>+0(SB)/8, $0xaaaaaaaaaaaaaaaa
GLOBL oddbits<>(SB), RODATA|NOPTR, $8

// MASK64 sets dst to the bytes of X0..X3 equal to those of xc, one bit
// per byte; CX and X4 are scratch.
#define MASK64(xc, dst) \
	MOVOU X0, X4; PCMPEQB xc, X4; PMOVMSKB X4, dst; \
	MOVOU X1, X4; PCMPEQB xc, X4; PMOVMSKB X4, CX; SHLQ $16, CX; ORQ CX, dst; \
	MOVOU X2, X4; PCMPEQB xc, X4; PMOVMSKB X4, CX; SHLQ $32, CX; ORQ CX, dst; \
	MOVOU X3, X4; PCMPEQB xc, X4; PMOVMSKB X4, CX; SHLQ $48, CX; ORQ CX, dst

// BRACKETS1 adds the opening and the closing brackets of Xn to R10 and
// R11 at shift ('[' and ']' with 0x20 set are '{' and '}'); it
// overwrites Xn.
#define BRACKETS1(xn, shift) \
	POR X10, xn; MOVOU xn, X4; \
	PCMPEQB X11, X4; PMOVMSKB X4, CX; SHLQ $shift, CX; ORQ CX, R10; \
	PCMPEQB X12, xn; PMOVMSKB xn, CX; SHLQ $shift, CX; ORQ CX, R11

// BRACKETS sets R10 and R11 to the opening and the closing brackets of
// X0..X3, overwriting them.
#define BRACKETS \
	POR X10, X0; MOVOU X0, X4; \
	PCMPEQB X11, X4; PMOVMSKB X4, R10; \
	PCMPEQB X12, X0; PMOVMSKB X0, R11; \
	BRACKETS1(X1, 16); BRACKETS1(X2, 32); BRACKETS1(X3, 48)

// PREFIX turns the quote bits in R9 into the bytes inside strings: their
// prefix XOR (an opening quote flagged, a closing one not), flipped by R8
// when the block starts inside a string. CX is scratch.
#define PREFIX \
	MOVQ R9, CX; SHLQ $1, CX; XORQ CX, R9; \
	MOVQ R9, CX; SHLQ $2, CX; XORQ CX, R9; \
	MOVQ R9, CX; SHLQ $4, CX; XORQ CX, R9; \
	MOVQ R9, CX; SHLQ $8, CX; XORQ CX, R9; \
	MOVQ R9, CX; SHLQ $16, CX; XORQ CX, R9; \
	MOVQ R9, CX; SHLQ $32, CX; XORQ CX, R9; \
	XORQ R8, R9

// FINISHARGS loads the finishBlocks kernels' arguments: SI the data, DX
// its length, AX the position, BX the count of open containers, R8 the
// in-string state.
#define FINISHARGS \
	MOVQ d_base+0(FP), SI; \
	MOVQ d_len+8(FP), DX; \
	MOVQ i+24(FP), AX; \
	MOVQ open+32(FP), BX; \
	MOVQ in+40(FP), R8

// FINISHRESULTS stores their results, done as flag.
#define FINISHRESULTS(flag) \
	MOVQ AX, end+48(FP); \
	MOVQ BX, open2+56(FP); \
	MOVQ R8, in2+64(FP); \
	MOVB flag, done+72(FP)

// LASTBLOCK sets up the last, short block (fewer than 64 bytes left): the
// last 64 bytes of the input are a block that starts at len-64 (if the
// input has that many), with the bytes before AX, read already, masked
// off (R13 the bytes to read); the escape carried in falls on the first
// byte not read yet (R10). Nothing left, or an input shorter than a
// block (finishWords reads it), goes to handback. CX is the count of
// bytes read already, 1..63.
#define LASTBLOCK(handback) \
	MOVQ DX, CX; \
	SUBQ AX, CX; \
	JLE  handback; \
	CMPQ DX, $64; \
	JLT  handback; \
	LEAQ -64(DX), CX; \
	NEGQ CX; \
	ADDQ AX, CX; \
	MOVQ $-1, R13; \
	SHLQ CX, R13; \
	MOVQ DI, R10; \
	SHLQ CX, R10

// HANDBACK ends a kernel not done, at ret, for the kernel's return: at
// escaped (a backslash outside a string), finishWords takes the block
// from its first byte not read yet, past the one escaped from the block
// before; at handback, past a byte escaped from the block before.
#define HANDBACK(escaped, handback, ret) \
escaped: \
	BSFQ  R13, CX; \
	ADDQ  CX, AX; \
	TESTQ R10, R10; \
	JZ    ret; \
	INCQ  AX; \
	JMP   ret; \
handback: \
	ADDQ DI, AX; \
ret:

// func finishBlocksSSE2(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool)
//
// finishBlocksAVX2 (which see) with 16-byte compares, the prefix XOR of
// the quote bits as six shifts, and no ANDN. Registers: SI the data, DX
// its length, AX the position, BX the count of open containers, R8 the
// in-string state (all ones or zero), DI the escape carried into the next
// block (0 or 1), R13 the bytes of the block not read yet (all but in the
// last, short one). X8..X12 hold '"', '\\', 0x20, '{' and '}' in every
// byte.
TEXT ·finishBlocksSSE2(SB), NOSPLIT, $0-73
	FINISHARGS

	MOVOU quotes<>(SB), X8
	MOVOU backslashes<>(SB), X9
	MOVOU bit5<>(SB), X10
	MOVOU opens<>(SB), X11
	MOVOU closes<>(SB), X12
	MOVQ  $-1, R13
	XORL  DI, DI

block:
	LEAQ 64(AX), CX
	CMPQ CX, DX
	JGT  last // fewer than 64 bytes left

	MOVOU 0(SI)(AX*1), X0
	MOVOU 16(SI)(AX*1), X1
	MOVOU 32(SI)(AX*1), X2
	MOVOU 48(SI)(AX*1), X3
	MASK64(X9, R12) // the backslashes
	MOVQ  DI, R10   // the first byte escaped, or none

classify:
	// In: R12 the backslashes, R10 the byte escaped by the block before.
	MASK64(X8, R9)
	ANDQ R13, R9 // the quotes
	MOVQ R12, CX
	ORQ  R10, CX
	JZ   plain

	// Escapes, as in finishBlocksAVX2.
	NOTQ R10
	ANDQ R10, R12
	NOTQ R10
	MOVQ R12, R11
	SHLQ $1, R11
	NOTQ R11
	ANDQ R12, R11
	MOVQ R11, CX
	ANDQ oddbits<>(SB), CX // the starts at odd bytes
	XORQ CX, R11           // the starts at even bytes
	ADDQ R12, CX
	SBBQ DI, DI            // an odd run to the block's end
	ADDQ R12, R11
	NOTQ R12
	ANDQ R12, CX           // X: after the runs that start at odd bytes
	ANDQ R12, R11          // Y: after those that start at even bytes
	NOTQ R12
	XORQ CX, R11
	ANDQ oddbits<>(SB), R11
	XORQ CX, R11           // X at even bytes, Y at odd ones
	ORQ  R10, R11          // the escaped bytes
	NOTQ R11
	ANDQ R11, R9           // the quotes not escaped
	NEGQ DI
	PREFIX
	MOVQ R9, CX
	NOTQ CX
	ANDQ R12, CX
	JNZ  escaped // a backslash outside a string
	JMP  state

plain:
	PREFIX

state:
	MOVQ R9, R8
	SARQ $63, R8

	// The brackets outside strings, walked in order.
	BRACKETS
	ANDQ R13, R10
	ANDQ R13, R11
	NOTQ R9
	ANDQ R9, R10
	ANDQ R9, R11
	MOVQ R10, R12
	ORQ  R11, R12

walk:
	TESTQ R12, R12
	JZ    next
	MOVQ  R12, R9
	NEGQ  R9
	ANDQ  R12, R9 // the lowest bracket
	XORQ  R9, R12
	TESTQ R9, R11
	JNZ   closing
	INCQ  BX
	JMP   walk

closing:
	DECQ BX
	JNZ  walk
	BSFQ R9, CX
	LEAQ 1(AX)(CX*1), AX
	FINISHRESULTS($1)
	RET

next:
	ADDQ $64, AX
	MOVQ $-1, R13
	JMP  block

last:
	// Fewer than 64 bytes left (see LASTBLOCK).
	LASTBLOCK(handback)
	MOVOU -64(SI)(DX*1), X0
	MOVOU -48(SI)(DX*1), X1
	MOVOU -32(SI)(DX*1), X2
	MOVOU -16(SI)(DX*1), X3
	MASK64(X9, R12)
	ANDQ  R13, R12
	LEAQ  -64(DX), AX
	JMP   classify

	HANDBACK(escaped, handback, return)
	FINISHRESULTS($0)
	RET

// func stringBlocks(d []byte, i int) (end int, done bool)
//
// X8 and X9 hold '"' and '\\' in every byte.
TEXT ·stringBlocks(SB), NOSPLIT, $0-41
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), DX
	MOVQ i+24(FP), AX

	MOVOU quotes<>(SB), X8
	MOVOU backslashes<>(SB), X9

chunk:
	LEAQ 16(AX), CX
	CMPQ CX, DX
	JGT  rest // fewer than 16 bytes left
	MOVOU    0(SI)(AX*1), X0
	MOVOU    X0, X1
	PCMPEQB  X8, X0
	PCMPEQB  X9, X1
	POR      X1, X0
	PMOVMSKB X0, CX
	TESTL    CX, CX
	JNZ      stop
	ADDQ     $16, AX
	JMP      chunk

stop:
	BSFL  CX, CX
	ADDQ  CX, AX
	MOVB  0(SI)(AX*1), CL
	CMPB  CL, $0x22
	JEQ   quote
	ADDQ  $2, AX // a backslash: the byte after it is escaped
	JMP   chunk

quote:
	INCQ AX
	MOVQ AX, end+32(FP)
	MOVB $1, done+40(FP)
	RET

rest:
	MOVQ AX, end+32(FP)
	MOVB $0, done+40(FP)
	RET

// ESCAPES (BMI1), in: R12 the backslashes, R10 the byte escaped by the
// block before, R9 the quotes. R12 becomes the backslashes that escape or
// start a run (not escaped from the block before), R11 the starts of the
// runs; adding a run's start to it carries past its end, to the byte
// after it, escaped when the run is odd: when the run starts at an odd
// byte and ends before an even one, or the other way round. Out: R9 the
// quotes not escaped, R11 the escaped bytes, DI 1 where the next block's
// first byte is escaped (an odd run to the block's end). CX is scratch.
#define ESCAPES \
	ANDNQ R12, R10, R12; \
	MOVQ  R12, R11; \
	SHLQ  $1, R11; \
	ANDNQ R12, R11, R11; \
	MOVQ  R11, CX; \
	ANDQ  oddbits<>(SB), CX; \
	XORQ  CX, R11; \
	ADDQ  R12, CX; \
	SBBQ  DI, DI; \
	ADDQ  R12, R11; \
	ANDNQ CX, R12, CX; \
	ANDNQ R11, R12, R11; \
	XORQ  CX, R11; \
	ANDQ  oddbits<>(SB), R11; \
	XORQ  CX, R11; \
	ORQ   R10, R11; \
	ANDNQ R9, R11, R9; \
	NEGQ  DI

// INSTRING turns R9, the quotes not escaped, into the bytes inside
// strings: their prefix XOR as one carry-less multiplication by all ones
// (X13; bit k of the product is the XOR of bits 0..k), flipped by R8
// where the block starts inside a string. X5 is scratch.
#define INSTRING \
	VMOVQ      R9, X5; \
	VPCLMULQDQ $0, X13, X5, X5; \
	VMOVQ      X5, R9; \
	XORQ       R8, R9

// BRACKETWALK (BMI1, POPCNT), in: R10 and R11 the opening and the closing
// brackets of the block, R9 the bytes inside strings. It counts the
// brackets outside strings (and read yet, R13) into BX, the open
// containers. Where fewer close than are open, the count cannot reach
// zero in this block and takes the difference of the two counts without
// a walk, as finishWords does (a walk costs some six instructions and a
// branch on the kind of each bracket: CloudTrail JSON has a few in most
// blocks); else the brackets are walked in order, and the one that
// closes the last container returns, done. It goes on at next.
#define BRACKETWALK(walk, walknext, closing, next) \
	ANDQ    R13, R10; \
	ANDQ    R13, R11; \
	ANDNQ   R10, R9, R10; \
	ANDNQ   R11, R9, R11; \
	POPCNTQ R11, CX; \
	CMPQ    CX, BX; \
	JGE     walk; \
	POPCNTQ R10, R9; \
	SUBQ    CX, R9; \
	ADDQ    R9, BX; \
	JMP     next; \
walk: \
	MOVQ R10, R12; \
	ORQ  R11, R12; \
walknext: \
	TESTQ R12, R12; \
	JZ    next; \
	BLSIQ R12, R9; \
	XORQ  R9, R12; \
	TESTQ R9, R11; \
	JNZ   closing; \
	INCQ  BX; \
	JMP   walknext; \
closing: \
	DECQ BX; \
	JNZ  walknext; \
	BSFQ R9, CX; \
	LEAQ 1(AX)(CX*1), AX; \
	VZEROUPPER; \
	FINISHRESULTS($1); \
	RET

// func finishBlocksAVX2(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool)
//
// finishBlocks (trustblocks_amd64.go) with AVX2 compares, 32 bytes each,
// and the prefix XOR of the quote bits as one carry-less multiplication
// by all ones (bit k of the product is the XOR of bits 0..k). Escapes are
// read in the block: a run of backslashes escapes the byte after it when
// it is odd, its first backslash not escaped itself. So that this agrees
// with the byte-wise definition, where a backslash outside a string
// escapes nothing, a block with a backslash outside strings is handed
// back to finishWords. Registers: SI the data, DX its length, AX the
// position, BX the count of open containers, R8 the in-string state (all
// ones or zero), DI the escape carried into the next block (0 or 1), R13
// the bytes of the block not read yet (all but in the last, short one);
// Y8..Y12 hold '"', '\\', 0x20, '{' and '}' in every byte, X13 all ones.
TEXT ·finishBlocksAVX2(SB), NOSPLIT, $0-73
	FINISHARGS

	VMOVDQU  quotes<>(SB), Y8
	VMOVDQU  backslashes<>(SB), Y9
	VMOVDQU  bit5<>(SB), Y10
	VMOVDQU  opens<>(SB), Y11
	VMOVDQU  closes<>(SB), Y12
	VPCMPEQB X13, X13, X13
	MOVQ     $-1, R13
	XORL     DI, DI

vblock:
	LEAQ 64(AX), CX
	CMPQ CX, DX
	JGT  vlast // fewer than 64 bytes left

	VMOVDQU   0(SI)(AX*1), Y0
	VMOVDQU   32(SI)(AX*1), Y1
	// The line 512 bytes on, asked for now: an event's bytes past the
	// first KB (prefetchInput's) come from L3, and each block waited for
	// its load, as skipCompactAVX2's did (a prefetch never faults, so one
	// past the end of d is harmless). Bench-like paired thread CPU, 400
	// pairs, load 9: median on-off -79 ns/event on mixed-10000 trusted,
	// -130 on cloudtrail-large trusted.
	PREFETCHT0 512(SI)(AX*1)
	VPCMPEQB  Y9, Y0, Y2
	VPMOVMSKB Y2, R12
	VPCMPEQB  Y9, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R12 // the backslashes
	MOVQ      DI, R10 // the first byte escaped, or none

vclassify:
	// In: R12 the backslashes, R10 the byte escaped by the block before.
	VPCMPEQB  Y8, Y0, Y2
	VPMOVMSKB Y2, R9
	VPCMPEQB  Y8, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R9
	ANDQ      R13, R9 // the quotes
	MOVQ      R12, CX
	ORQ       R10, CX
	JZ        vplain

	ESCAPES
	INSTRING
	ANDNQ R12, R9, CX
	JNZ   vescaped // a backslash outside a string
	JMP   vstate

vplain:
	INSTRING

vstate:
	MOVQ R9, R8
	SARQ $63, R8

	// R10 and R11: the opening and the closing brackets ('[' and ']'
	// with 0x20 set are '{' and '}') outside strings.
	VPOR      Y10, Y0, Y0
	VPOR      Y10, Y1, Y1
	VPCMPEQB  Y11, Y0, Y2
	VPMOVMSKB Y2, R10
	VPCMPEQB  Y11, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R10
	VPCMPEQB  Y12, Y0, Y2
	VPMOVMSKB Y2, R11
	VPCMPEQB  Y12, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R11
	BRACKETWALK(vwalk, vwalknext, vclosing, vnext)

vnext:
	ADDQ $64, AX
	MOVQ $-1, R13
	JMP  vblock

vlast:
	LASTBLOCK(vhandback)
	VMOVDQU   -64(SI)(DX*1), Y0
	VMOVDQU   -32(SI)(DX*1), Y1
	VPCMPEQB  Y9, Y0, Y2
	VPMOVMSKB Y2, R12
	VPCMPEQB  Y9, Y1, Y3
	VPMOVMSKB Y3, CX
	SHLQ      $32, CX
	ORQ       CX, R12
	ANDQ      R13, R12
	LEAQ      -64(DX), AX
	JMP       vclassify

	HANDBACK(vescaped, vhandback, vreturn)
	VZEROUPPER
	FINISHRESULTS($0)
	RET

// func finishBlocksAVX512(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool)
//
// finishBlocksAVX2 with 64-byte compares into mask registers: a block is
// one load, and each kind of byte one compare and one move to a general
// register, where AVX2 takes two compares, two moves, a shift and an OR.
// Registers as finishBlocksAVX2's; Z8..Z12 hold '"', '\\', 0x20, '{' and
// '}' in every byte, X13 all ones. Past a block's end only the last,
// short block masks its bytes (R13): no block follows it.
TEXT ·finishBlocksAVX512(SB), NOSPLIT, $0-73
	FINISHARGS

	VPBROADCASTB quotes<>(SB), Z8
	VPBROADCASTB backslashes<>(SB), Z9
	VPBROADCASTB bit5<>(SB), Z10
	VPBROADCASTB opens<>(SB), Z11
	VPBROADCASTB closes<>(SB), Z12
	VPCMPEQB     X13, X13, X13
	MOVQ         $-1, R13
	XORL         DI, DI

zblock:
	LEAQ 64(AX), CX
	CMPQ CX, DX
	JGT  zlast // fewer than 64 bytes left

	VMOVDQU64 0(SI)(AX*1), Z0
	// The line 1024 bytes on, where finishBlocksAVX2 asks for the one
	// 512 on: a block takes fewer instructions here, and the line came
	// late. In-process A/B, on-off median of 400-500 rounds,
	// cloudtrail-large trusted -1.26, -1.41, -1.24 % against 512,
	// mixed-10000 -0.74, +0.07, -0.05; 2048 against 1024,
	// cloudtrail-large +3.08 %.
	PREFETCHT0 1024(SI)(AX*1)
	VPCMPEQB   Z9, Z0, K1
	KMOVQ      K1, R12 // the backslashes
	MOVQ       DI, R10 // the first byte escaped, or none

zclassify:
	// In: R12 the backslashes, R10 the byte escaped by the block before.
	VPCMPEQB Z8, Z0, K2
	KMOVQ    K2, R9
	ANDQ     R13, R9 // the quotes
	MOVQ     R12, CX
	ORQ      R10, CX
	JZ       zplain

	ESCAPES
	INSTRING
	ANDNQ R12, R9, CX
	JNZ   zescaped // a backslash outside a string
	JMP   zstate

zplain:
	INSTRING

zstate:
	MOVQ R9, R8
	SARQ $63, R8

	// R10 and R11: the opening and the closing brackets outside
	// strings.
	VPORQ    Z10, Z0, Z0
	VPCMPEQB Z11, Z0, K3
	KMOVQ    K3, R10
	VPCMPEQB Z12, Z0, K4
	KMOVQ    K4, R11
	BRACKETWALK(zwalk, zwalknext, zclosing, znext)

znext:
	ADDQ $64, AX
	JMP  zblock

zlast:
	LASTBLOCK(zhandback)
	VMOVDQU64 -64(SI)(DX*1), Z0
	VPCMPEQB  Z9, Z0, K1
	KMOVQ     K1, R12
	ANDQ      R13, R12
	LEAQ      -64(DX), AX
	JMP       zclassify

	HANDBACK(zescaped, zhandback, zreturn)
	VZEROUPPER
	FINISHRESULTS($0)
	RET
