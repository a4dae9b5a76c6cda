//go:build amd64 && !purego

#include "textflag.h"

// 32 bytes of one value each, for the compares.
DATA vbQuote<>+0(SB)/8, $0x2222222222222222
DATA vbQuote<>+8(SB)/8, $0x2222222222222222
DATA vbQuote<>+16(SB)/8, $0x2222222222222222
DATA vbQuote<>+24(SB)/8, $0x2222222222222222
GLOBL vbQuote<>(SB), RODATA|NOPTR, $32

DATA vbBackslash<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA vbBackslash<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA vbBackslash<>+16(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA vbBackslash<>+24(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL vbBackslash<>(SB), RODATA|NOPTR, $32

DATA vbU<>+0(SB)/8, $0x7575757575757575
DATA vbU<>+8(SB)/8, $0x7575757575757575
DATA vbU<>+16(SB)/8, $0x7575757575757575
DATA vbU<>+24(SB)/8, $0x7575757575757575
GLOBL vbU<>(SB), RODATA|NOPTR, $32

// The bits above the control characters' (0xE0), and the low nibble.
DATA vbHigh3<>+0(SB)/8, $0xe0e0e0e0e0e0e0e0
DATA vbHigh3<>+8(SB)/8, $0xe0e0e0e0e0e0e0e0
DATA vbHigh3<>+16(SB)/8, $0xe0e0e0e0e0e0e0e0
DATA vbHigh3<>+24(SB)/8, $0xe0e0e0e0e0e0e0e0
GLOBL vbHigh3<>(SB), RODATA|NOPTR, $32

DATA vbNibble<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA vbNibble<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA vbNibble<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA vbNibble<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL vbNibble<>(SB), RODATA|NOPTR, $32

// The classes of a byte, by its high and by its low nibble (the byte is
// in a class where both tables set its bit), in each 16-byte lane:
// bits 0-3 the characters that may follow a backslash (bit 0: '"' '/',
// bit 1: '\\', bit 2: 'b' 'f' 'n', bit 3: 'r' 't' 'u'), bit 4 the digits,
// bit 5 the letters a-f and A-F. A byte over 0x7F has a high nibble of 8
// or more, whose entries are 0.
DATA vbHiClass<>+0(SB)/8, $0x0824022010010000
DATA vbHiClass<>+8(SB)/8, $0x0000000000000000
DATA vbHiClass<>+16(SB)/8, $0x0824022010010000
DATA vbHiClass<>+24(SB)/8, $0x0000000000000000
GLOBL vbHiClass<>(SB), RODATA|NOPTR, $32

DATA vbLoClass<>+0(SB)/8, $0x10343838303d3010
DATA vbLoClass<>+8(SB)/8, $0x0104000200001010
DATA vbLoClass<>+16(SB)/8, $0x10343838303d3010
DATA vbLoClass<>+24(SB)/8, $0x0104000200001010
GLOBL vbLoClass<>(SB), RODATA|NOPTR, $32

// MASK sets dst to the bytes of the 64-byte block flagged (high bit) in
// ylo and yhi, one bit per byte; tmp is scratch.
#define MASK(ylo, yhi, dst, tmp) \
	VPMOVMSKB ylo, dst; VPMOVMSKB yhi, tmp; SHLQ $32, tmp; ORQ tmp, dst

// func validStringBlockAVX2(d []byte, j int) (end, esc int, wide bool)
//
// validStringBlock (validblock_amd64.go) with 32-byte compares.
// Registers: SI the data, DX its length, DI j, BX the block's start, CX
// how far j is into the block (the last 64 bytes of the input, where
// fewer are left after j); the masks: R8 quotes, R9 backslashes, R10
// control characters, R11 bytes over 0x7F, R12 bytes that may not follow
// a backslash, R13 bytes that are not hex digits, AX the 'u's.
TEXT ·validStringBlockAVX2(SB), NOSPLIT, $0-49
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), DX
	MOVQ j+24(FP), DI
	CMPQ DX, $64
	JLT  undecided
	LEAQ -64(DX), BX
	XORL CX, CX
	CMPQ DI, BX
	JGT  tail
	MOVQ DI, BX

load:
	VMOVDQU 0(SI)(BX*1), Y0
	VMOVDQU 32(SI)(BX*1), Y1

	VMOVDQU  vbQuote<>(SB), Y2
	VPCMPEQB Y2, Y0, Y3
	VPCMPEQB Y2, Y1, Y4
	MASK(Y3, Y4, R8, AX)

	VMOVDQU  vbBackslash<>(SB), Y2
	VPCMPEQB Y2, Y0, Y3
	VPCMPEQB Y2, Y1, Y4
	MASK(Y3, Y4, R9, AX)

	VPXOR    Y15, Y15, Y15
	VMOVDQU  vbHigh3<>(SB), Y2
	VPAND    Y2, Y0, Y3
	VPAND    Y2, Y1, Y4
	VPCMPEQB Y15, Y3, Y3
	VPCMPEQB Y15, Y4, Y4
	MASK(Y3, Y4, R10, AX)

	MASK(Y0, Y1, R11, AX)

	// The classes: Y3 and Y4 the low nibbles' entries, Y5 and Y6 the
	// high nibbles', ANDed into Y3 and Y4.
	VMOVDQU  vbNibble<>(SB), Y2
	VPAND    Y2, Y0, Y3
	VPAND    Y2, Y1, Y4
	VPSRLW   $4, Y0, Y5
	VPSRLW   $4, Y1, Y6
	VPAND    Y2, Y5, Y5
	VPAND    Y2, Y6, Y6
	VMOVDQU  vbLoClass<>(SB), Y7
	VPSHUFB  Y3, Y7, Y3
	VPSHUFB  Y4, Y7, Y4
	VMOVDQU  vbHiClass<>(SB), Y7
	VPSHUFB  Y5, Y7, Y5
	VPSHUFB  Y6, Y7, Y6
	VPAND    Y5, Y3, Y3
	VPAND    Y6, Y4, Y4
	// Not a character that may follow a backslash: no bit of 0x0F.
	VPAND    Y2, Y3, Y5
	VPAND    Y2, Y4, Y6
	VPCMPEQB Y15, Y5, Y5
	VPCMPEQB Y15, Y6, Y6
	MASK(Y5, Y6, R12, AX)
	// Not a hex digit: no bit of 0xF0 (of 0x30: no other is set).
	VPANDN   Y3, Y2, Y5
	VPANDN   Y4, Y2, Y6
	VPCMPEQB Y15, Y5, Y5
	VPCMPEQB Y15, Y6, Y6
	MASK(Y5, Y6, R13, AX)

	VMOVDQU  vbU<>(SB), Y2
	VPCMPEQB Y2, Y0, Y3
	VPCMPEQB Y2, Y1, Y4
	MASK(Y3, Y4, AX, DX)
	VZEROUPPER

	// The block from j on.
	SHRQ CX, R8
	SHRQ CX, R9
	SHRQ CX, R10
	SHRQ CX, R11
	SHRQ CX, R12
	SHRQ CX, R13
	SHRQ CX, AX

	// The bytes escaped by odd runs of backslashes (d[j] is not one):
	// adding a run's first bit to the run carries onto the byte after
	// it, and where the run started, at an odd or an even byte, tells
	// its parity from where the carry lands.
	MOVQ R9, BX
	SHLQ $1, BX
	NOTQ BX
	ANDQ R9, BX               // the runs' starts
	MOVQ $0xaaaaaaaaaaaaaaaa, SI
	MOVQ BX, CX
	ANDQ SI, CX               // the starts at odd bytes
	XORQ CX, BX               // those at even bytes
	ADDQ R9, CX
	ADDQ R9, BX
	MOVQ R9, DX
	NOTQ DX
	ANDQ DX, CX               // after the runs that start at odd bytes
	ANDQ DX, BX               // after those that start at even bytes
	ANDQ SI, BX               // ... at odd bytes: odd runs
	NOTQ SI
	ANDQ SI, CX               // ... at even bytes: odd runs
	ORQ  CX, BX               // the bytes escaped

	// The closing quote: the first one not escaped.
	MOVQ  BX, CX
	NOTQ  CX
	ANDQ  R8, CX
	JZ    undecided
	MOVQ  CX, DX
	NEGQ  DX
	ANDQ  CX, DX
	DECQ  DX                  // the bytes before it
	BSFQ  CX, CX              // its offset from j

	// No control character before it, every escaped byte one that may
	// follow a backslash, and four hex digits after each \u, before it.
	TESTQ DX, R10
	JNZ   undecided
	ANDQ  DX, BX
	TESTQ BX, R12
	JNZ   undecided
	ANDQ  BX, AX              // the 'u's escaped
	MOVQ  AX, SI
	SHLQ  $1, SI
	MOVQ  SI, R10
	SHLQ  $1, SI
	ORQ   SI, R10
	SHLQ  $1, SI
	ORQ   SI, R10
	SHLQ  $1, SI
	ORQ   SI, R10             // their digits
	MOVQ  DX, SI
	NOTQ  SI
	ORQ   SI, R13             // not a digit, or not before the quote
	TESTQ R10, R13
	JNZ   undecided

	LEAQ  1(DI)(CX*1), SI
	MOVQ  SI, end+32(FP)
	ANDQ  DX, R9
	JZ    noesc
	BSFQ  R9, R9
	ADDQ  DI, R9
	MOVQ  R9, esc+40(FP)
	JMP   wide

noesc:
	ADDQ  DI, CX
	MOVQ  CX, esc+40(FP)

wide:
	TESTQ DX, R11
	SETNE wide+48(FP)
	RET

tail:
	// Fewer than 64 bytes after j: the last 64 of the input, from j on.
	MOVQ DI, CX
	SUBQ BX, CX
	JMP  load

undecided:
	VZEROUPPER
	MOVQ $-1, end+32(FP)
	MOVQ $0, esc+40(FP)
	MOVB $0, wide+48(FP)
	RET
