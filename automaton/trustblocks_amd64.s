//go:build amd64 && !purego

#include "textflag.h"

// Sixteen bytes of one value each, for the compares.
DATA quotes<>+0(SB)/8, $0x2222222222222222
DATA quotes<>+8(SB)/8, $0x2222222222222222
GLOBL quotes<>(SB), RODATA|NOPTR, $16

DATA backslashes<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslashes<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL backslashes<>(SB), RODATA|NOPTR, $16

DATA bit5<>+0(SB)/8, $0x2020202020202020
DATA bit5<>+8(SB)/8, $0x2020202020202020
GLOBL bit5<>(SB), RODATA|NOPTR, $16

DATA opens<>+0(SB)/8, $0x7b7b7b7b7b7b7b7b
DATA opens<>+8(SB)/8, $0x7b7b7b7b7b7b7b7b
GLOBL opens<>(SB), RODATA|NOPTR, $16

DATA closes<>+0(SB)/8, $0x7d7d7d7d7d7d7d7d
DATA closes<>+8(SB)/8, $0x7d7d7d7d7d7d7d7d
GLOBL closes<>(SB), RODATA|NOPTR, $16

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

// func finishBlocks(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool)
//
// Registers: SI the data, DX its length, AX the position, BX the count of
// open containers, R8 the in-string state (all ones or zero). X8..X12
// hold '"', '\\', 0x20, '{' and '}' in every byte.
TEXT ·finishBlocks(SB), NOSPLIT, $0-73
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), DX
	MOVQ i+24(FP), AX
	MOVQ open+32(FP), BX
	MOVQ in+40(FP), R8

	MOVOU quotes<>(SB), X8
	MOVOU backslashes<>(SB), X9
	MOVOU bit5<>(SB), X10
	MOVOU opens<>(SB), X11
	MOVOU closes<>(SB), X12

block:
	LEAQ 64(AX), CX
	CMPQ CX, DX
	JGT  last // fewer than 64 bytes left

	MOVOU 0(SI)(AX*1), X0
	MOVOU 16(SI)(AX*1), X1
	MOVOU 32(SI)(AX*1), X2
	MOVOU 48(SI)(AX*1), X3

	// A backslash anywhere in the block: finishWords takes it.
	MOVOU    X0, X4
	PCMPEQB  X9, X4
	MOVOU    X1, X5
	PCMPEQB  X9, X5
	POR      X5, X4
	MOVOU    X2, X5
	PCMPEQB  X9, X5
	POR      X5, X4
	MOVOU    X3, X5
	PCMPEQB  X9, X5
	POR      X5, X4
	PMOVMSKB X4, CX
	TESTL    CX, CX
	JNZ      handback

	MASK64(X8, R9) // the quotes
	BRACKETS

inblock:
	// R9 becomes the bytes inside strings: the prefix XOR of the quote
	// bits (an opening quote flagged, a closing one not), flipped when
	// the block starts inside a string. Its top bit is the state after
	// the block.
	MOVQ R9, CX
	SHLQ $1, CX
	XORQ CX, R9
	MOVQ R9, CX
	SHLQ $2, CX
	XORQ CX, R9
	MOVQ R9, CX
	SHLQ $4, CX
	XORQ CX, R9
	MOVQ R9, CX
	SHLQ $8, CX
	XORQ CX, R9
	MOVQ R9, CX
	SHLQ $16, CX
	XORQ CX, R9
	MOVQ R9, CX
	SHLQ $32, CX
	XORQ CX, R9
	XORQ R8, R9
	MOVQ R9, R8
	SARQ $63, R8

	// The brackets outside strings, walked in order (they are few).
	NOTQ R9
	ANDQ R9, R10
	ANDQ R9, R11
	MOVQ R10, R12
	ORQ  R11, R12

walk:
	TESTQ R12, R12
	JZ    next
	MOVQ  R12, R13
	NEGQ  R13
	ANDQ  R12, R13 // the lowest bracket
	XORQ  R13, R12
	TESTQ R13, R11
	JNZ   closing
	INCQ  BX
	JMP   walk

closing:
	DECQ BX
	JNZ  walk
	BSFQ R13, CX
	LEAQ 1(AX)(CX*1), AX
	MOVQ AX, end+48(FP)
	MOVQ BX, open2+56(FP)
	MOVQ R8, in2+64(FP)
	MOVB $1, done+72(FP)
	RET

next:
	ADDQ $64, AX
	JMP  block

last:
	// Fewer than 64 bytes left: the last 64 bytes of the input are a
	// block that starts at len-64 (if the input has that many), with
	// the bytes before AX, read already, masked off.
	MOVQ  DX, CX
	SUBQ  AX, CX
	JLE   handback // nothing left
	CMPQ  DX, $64
	JLT   handback // a short input: finishWords reads it
	LEAQ  -64(DX), CX
	NEGQ  CX
	ADDQ  AX, CX // the bytes read already: 1..63
	MOVQ  $-1, R13
	SHLQ  CX, R13 // the bytes to read
	MOVOU -64(SI)(DX*1), X0
	MOVOU -48(SI)(DX*1), X1
	MOVOU -32(SI)(DX*1), X2
	MOVOU -16(SI)(DX*1), X3
	MASK64(X9, R9) // the backslashes
	ANDQ  R13, R9
	JNZ   handback
	MASK64(X8, R9) // the quotes
	BRACKETS
	ANDQ  R13, R9
	ANDQ  R13, R10
	ANDQ  R13, R11
	LEAQ  -64(DX), AX
	JMP   inblock

handback:
	MOVQ AX, end+48(FP)
	MOVQ BX, open2+56(FP)
	MOVQ R8, in2+64(FP)
	MOVB $0, done+72(FP)
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
