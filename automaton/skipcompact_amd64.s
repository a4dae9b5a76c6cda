//go:build amd64 && !purego

#include "textflag.h"

// STOPS sets R11 to the stops (asciiStopMask) of the 64 bytes at
// SI+at and R10 to at (not CX, which is scratch).
#define STOPS(at) \
	VMOVDQU 0(SI)(at*1), Y0; VMOVDQU 32(SI)(at*1), Y1; \
	VPCMPEQB Y13, Y0, Y2; VPCMPEQB Y14, Y0, Y3; VPCMPGTB Y0, Y15, Y4; \
	VPCMPEQB Y13, Y1, Y5; VPCMPEQB Y14, Y1, Y6; VPCMPGTB Y1, Y15, Y7; \
	VPOR Y2, Y3, Y2; VPOR Y5, Y6, Y5; VPOR Y2, Y4, Y2; VPOR Y5, Y7, Y5; \
	VPMOVMSKB Y2, R11; VPMOVMSKB Y5, CX; SHLQ $32, CX; ORQ CX, R11; \
	MOVQ at, R10

// NEXTSTOPS sets R14 to the stops of the 64 bytes after the block at
// R10 (at DX-64 where those pass the end: R14 is then used by no one, as
// its users test that R10+128 <= DX), with CX and R12 as scratch.
// It also prefetches the line 512 bytes past the block at R10: the
// kernel's time went to waiting for these block loads (perf, mixed-10000
// Match: a third of the kernel's samples on NEXTSTOPS' loads), as an
// event's bytes past the first KB (prefetchInput's) come from L3, and a
// container skipped later in a small event waits for its lines too. A
// prefetch never faults, so one past the end of d is harmless; callgrind
// does not see it (bench-like paired thread CPU, mixed-10000 Match, 400
// pairs, load 8: median on-off -54, -75 ns/event at 512 bytes; -58 at
// 256, -50 at 1024; an identical kernel without it +14).
#define NEXTSTOPS \
	LEAQ 64(R10), CX; LEAQ -64(DX), R12; CMPQ CX, R12; CMOVQGT R12, CX; \
	VMOVDQU 0(SI)(CX*1), Y0; VMOVDQU 32(SI)(CX*1), Y1; \
	PREFETCHT0 512(SI)(R10*1); \
	VPCMPEQB Y13, Y0, Y2; VPCMPEQB Y14, Y0, Y3; VPCMPGTB Y0, Y15, Y4; \
	VPCMPEQB Y13, Y1, Y5; VPCMPEQB Y14, Y1, Y6; VPCMPGTB Y1, Y15, Y7; \
	VPOR Y2, Y3, Y2; VPOR Y5, Y6, Y5; VPOR Y2, Y4, Y2; VPOR Y5, Y7, Y5; \
	VPMOVMSKB Y2, R14; VPMOVMSKB Y5, R12; SHLQ $32, R12; ORQ R12, R14

// CLOSELEVEL takes the bracket at AX that closes the container open at
// level BX: one level up, R9 becomes whether the container open there is
// an object (bit BX of R8); CX is scratch.
#define CLOSELEVEL \
	INCQ AX \
	DECQ BX \
	MOVQ BX, CX \
	MOVQ R8, R9 \
	SHRQ CL, R9 \
	ANDQ $1, R9

// NONDIGITS sets CX to a flag (0x80) in each byte of R13 that is no
// ASCII digit (numberWords' nonDigits), with R12 as scratch; the AND
// sets ZF when every byte is a digit.
#define NONDIGITS \
	MOVQ $0xcfcfcfcfcfcfcfd0, CX \
	ADDQ R13, CX \
	MOVQ $0x4646464646464646, R12 \
	ADDQ R13, R12 \
	ORQ  R12, CX \
	MOVQ $0x8080808080808080, R12 \
	ANDQ R12, CX

// STRINGHOT and STRINGCOLD find the first stop of a string (its closing quote, or
// what makes skipCompact give up) after its quote at AX, for a string
// value and for a member name alike, into DI; the labels are the
// caller's, so that each keeps its own way on (found). R11 holds the
// stops of the block at R10 not yet passed: every stop before a string's
// quote is the close of an earlier string, taken off R11 when it was
// found (the kernel reads every byte outside strings, and gives up at
// any that is a stop), so the quote is R11's lowest stop where it lies
// in the block, and R11 is empty where it lies past it; the close is the
// next stop. Taking them off R11 (BLSR) puts the next string's close at
// a TZCNT of R11, which waits on no position: the shift of the mask by
// the string's offset, which did, made every string wait on the one
// before (perf: the kernel's hot spots were the block loads and the
// compare of each name's '":'). A quote or a close in the block after
// the one at hand takes that block's stops from R14; a quote further on
// takes a block from the byte after it; past the last whole block, the
// block that ends the input (its stops before DI cleared), unless it is
// the one at hand; byte by byte in an input shorter than a block.
// A block taken from a position (refill: a container's first string, or
// one past the block after the one at hand) also asks for the five lines
// from 192 bytes on, which NEXTSTOPS' prefetch 512 bytes ahead does not
// cover yet (bench-like paired thread CPU, 600 pairs, load 12: median
// on-off mixed-10000 Match -63 ns/event, -65 in 400; cloudtrail-large
// -72, noisy; the same kernel twice +9).
// STRINGHOT is the way for a quote and a close in the block at hand,
// the usual one, and falls through to the caller's found; STRINGCOLD,
// placed after the kernel's hot code, holds the rest, which goes back to
// take or scan. A move to the next block costs about what a whole member
// does (~2 ns: 64-byte-wide objects of one name and a string value, in
// members of 61 and of 64 bytes alike, the second with the move at the
// same string every time, a branch any predictor learns; 125-byte
// members, two moves each; paired thread CPU, load 6): there, its
// instructions (the next block's compares) cost it, not its branch.
#define STRINGHOT(scan, take, scanfrom, next) \
scan: \
	BLSRQ R11, R11 \
	JCS  scanfrom \
take: \
	TZCNTQ R11, DI \
	JCS  next \
	BLSRQ R11, R11 \
	ADDQ R10, DI

#define STRINGCOLD(scan, take, found, scanfrom, fresh, next, nextlast, refill, last, tail) \
scanfrom: \
	LEAQ 128(R10), CX \
	CMPQ CX, DX \
	JGT  fresh \
	CMPQ AX, CX \
	JAE  fresh \
	ADDQ $64, R10 \
	MOVQ R14, R11 \
	NEXTSTOPS \
	JMP  scan \
fresh: \
	LEAQ 1(AX), DI \
	JMP  refill \
next: \
	LEAQ 128(R10), CX \
	CMPQ CX, DX \
	JGT  nextlast \
	ADDQ $64, R10 \
	MOVQ R14, R11 \
	NEXTSTOPS \
	JMP  take \
nextlast: \
	LEAQ 64(R10), DI \
refill: \
	LEAQ 64(DI), CX \
	CMPQ CX, DX \
	JGT  last \
	STOPS(DI) \
	PREFETCHT0 192(SI)(DI*1); PREFETCHT0 256(SI)(DI*1); PREFETCHT0 320(SI)(DI*1); \
	PREFETCHT0 384(SI)(DI*1); PREFETCHT0 448(SI)(DI*1); \
	NEXTSTOPS \
	JMP  take \
last: \
	LEAQ -64(DX), R12 \
	CMPQ R12, R10 \
	JEQ  bail \
	TESTQ R12, R12 \
	JLT  tail \
	CMPQ DI, DX \
	JAE  bail \
	STOPS(R12) \
	MOVQ DI, CX \
	SUBQ R10, CX \
	MOVQ $-1, R12 \
	SHLQ CL, R12 \
	ANDQ R12, R11 \
	JMP  take \
tail: \
	CMPQ DI, DX \
	JAE  bail \
	MOVBLZX (SI)(DI*1), CX \
	CMPB CL, $0x22 \
	JEQ  found \
	CMPB CL, $0x20 \
	JB   bail \
	CMPB CL, $0x5c \
	JEQ  bail \
	CMPB CL, $0x80 \
	JAE  bail \
	INCQ DI \
	JMP  tail

// func skipCompactAVX2(d []byte, i, depth int) int
//
// skipCompact (skipcompact_amd64.go) in assembly: skipContainer's grammar
// for the container at d[i], with every value of its state in a register
// (SI the data, DX its length, AX the position, BX the level, R8 the bit
// word of open objects, R9 whether the one open is an object, R10 and R11
// the block of stops at hand and its mask, as skipContainer keeps them).
// It returns the end of the container, or -1 at the first thing it does
// not read (white space, an escape or a byte over 0x7F in a string, a
// number other than the usual, a literal near the end, 64 levels, or an
// error; or d[i] that opens no container): skipContainer then reads the
// container from its start. Y13,
// Y14 and Y15 hold '"', '\\' and 0x20 in every byte, as ·stopBytes.
// The usual member, a plain string name and a string value, runs
// through the code as laid out, with one taken branch (to vstring):
// every other way is placed after it, where the blocks in between took
// four (paired thread CPU, the kernel alone on mixed-10000's large
// CloudTrail events, 300 and 400 pairs, load 5: median new-old -47 and
// -82 ns/event, min 1364 -> 1319; callgrind mixed-10000 Match, kernel
// 1458 -> 1415 instr/event).
TEXT ·skipCompactAVX2(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), SI
	MOVQ d_len+8(FP), DX
	MOVQ i+24(FP), AX
	XORQ BX, BX
	XORQ R8, R8
	XORQ R9, R9
	MOVQ $-128, R10 // no block at hand, nor one after it (R14)
	XORQ R11, R11
	VMOVDQU ·stopBytes+0(SB), Y13
	VMOVDQU ·stopBytes+32(SB), Y14
	VMOVDQU ·stopBytes+64(SB), Y15
	// A container, or nothing: a number is read only inside one, where
	// after and close take no byte after it but ',', ']' or '}' (and give
	// up at a '.' or an exponent that the number's code left).
	CMPQ AX, DX
	JAE  bail
	MOVBLZX (SI)(AX*1), CX
	MOVL CX, DI
	ORL  $0x20, DI
	CMPL DI, $0x7b // '{', or '[' with 0x20 set
	JEQ  open
	JMP  bail

value:
	// At a value: a string, a number, a container or a literal.
	CMPQ AX, DX
	JAE  bail
	MOVBLZX (SI)(AX*1), CX
	CMPB CL, $0x22
	JNE  vother

vstring:
	// A string value's first stop, from the mask of the block at hand
	// or of the next one; near the end, byte by byte. A plain string
	// stops at its closing quote.
	STRINGHOT(vscan, vtake, vfrom, vnext)

vfound:
	CMPB (SI)(DI*1), $0x22
	JNE  bail
	LEAQ 1(DI), AX

after:
	// After a value: the usual ',"' in an object as one word, else a
	// separator or the closing bracket of the container open.
	TESTQ R9, R9
	JZ   close
	LEAQ 2(AX), CX
	CMPQ CX, DX
	JGT  close
	MOVWLZX (SI)(AX*1), CX
	CMPL CX, $0x222c
	JNE  close
	INCQ AX

nameq:
	// d[AX] is the name's quote.
	STRINGHOT(nscan, ntake, nfrom, nnext)

nfound:
	// The name's quote, the colon and the value's first byte, which
	// goes on to value's dispatch (white space, like any byte that
	// starts no value, is left to skipContainer).
	LEAQ 2(DI), AX
	CMPQ AX, DX
	JGE  bail
	MOVWLZX (SI)(DI*1), CX
	CMPL CX, $0x3a22 // '"', ':'
	JNE  bail
	MOVBLZX (SI)(AX*1), CX
	CMPB CL, $0x22
	JEQ  vstring

vother:
	// A digit goes on to number; any other byte to vnotdigit.
	LEAL -48(CX), DI
	CMPL DI, $10
	JAE  vnotdigit

number:
	// The usual number: a sign, one to seven integer digits and maybe a
	// fraction, in the word at its digits (zero bytes past the end), as
	// numberWords reads it. The byte that ends it is left to after and
	// close, which give up at an exponent (or a second '.') as at any
	// byte other than ',', ']' or '}' (callgrind cloudtrail-large Match,
	// kernel 11750 -> 11532 instr/event; paired thread CPU, the kernel
	// alone on mixed-10000's large CloudTrail events, 300 pairs twice,
	// load 7: median -23 and -25 ns/event).
	LEAQ 1(AX), R12
	MOVQ AX, DI
	CMPB CL, $0x2d
	CMOVQEQ R12, DI
	LEAQ 8(DI), CX
	CMPQ CX, DX
	JGT  npad
	MOVQ (SI)(DI*1), R13

nx:
	// nonDigits: the lowest flag is the first byte that is no digit.
	NONDIGITS
	JZ   nlong
	BSFQ CX, CX
	SHRQ $3, CX
	TESTQ CX, CX
	JZ   bail
	CMPB R13, $0x30
	JEQ  nzero

nlead:
	MOVQ CX, R12
	SHLQ $3, CX
	MOVQ R13, AX
	SHRQ CL, AX
	CMPB AL, $0x2e
	JEQ  nfrac
	LEAQ (DI)(R12*1), AX
	JMP  after

nzero:
	CMPQ CX, $1
	JNE  bail
	JMP  nlead

vnotdigit:
	CMPB CL, $0x2d
	JEQ  number
	MOVL CX, DI
	ORL  $0x20, DI
	CMPL DI, $0x7b // '{', or '[' with 0x20 set
	JEQ  open
	CMPB CL, $0x74
	JEQ  literal
	CMPB CL, $0x66
	JEQ  literal
	CMPB CL, $0x6e
	JEQ  literal
	JMP  bail

close:
	TESTQ BX, BX
	JZ   done
	CMPQ AX, DX
	JAE  bail
	MOVBLZX (SI)(AX*1), CX
	CMPB CL, $0x2c
	JNE  closing
	INCQ AX
	TESTQ R9, R9
	JZ   value

name:
	// At a member name: `"name":` and no space before the value.
	CMPQ AX, DX
	JAE  bail
	CMPB (SI)(AX*1), $0x22
	JNE  bail
	JMP  nameq

closing:
	MOVQ R9, DI
	SHLQ $5, DI
	ADDQ $0x5d, DI // ']', or '}' in an object
	CMPQ CX, DI
	JNE  bail
	CLOSELEVEL
	JMP  close

open:
	// A container opens: its parent's kind goes into the bit word.
	MOVQ CX, R13
	MOVQ depth+32(FP), DI
	ADDQ BX, DI
	CMPQ DI, $1000
	JGE  bail
	CMPQ BX, $64
	JEQ  bail
	MOVQ BX, CX
	MOVQ $1, DI
	SHLQ CL, DI
	NOTQ DI
	ANDQ DI, R8
	MOVQ R9, DI
	SHLQ CL, DI
	ORQ  DI, R8
	INCQ BX
	XORQ R9, R9
	CMPB R13, $0x7b
	SETEQ R9
	INCQ AX
	CMPQ AX, DX
	JAE  bail
	MOVBLZX (SI)(AX*1), CX
	CMPB CL, $0x20
	JBE  bail
	ADDQ $2, R13 // '{'+2 is '}', '['+2 is ']'
	CMPQ CX, R13
	JEQ  openclose
	TESTQ R9, R9
	JNZ  name
	JMP  value

openclose:
	CLOSELEVEL
	JMP  after

npad:
	CMPQ DX, $8
	JLT  bail
	CMPQ DI, DX
	JGE  bail
	MOVQ -8(SI)(DX*1), R13
	LEAQ 8(DI), CX
	SUBQ DX, CX
	SHLQ $3, CX
	SHRQ CL, R13
	JMP  nx

nfrac:
	// The point made a digit ('.'+2 is '0'): the next flag ends the
	// fraction, which must hold a digit (an exponent after it is left to
	// after and close, which give up at it).
	MOVQ $2, AX
	SHLQ CL, AX
	ADDQ R13, AX
	MOVQ $0xcfcfcfcfcfcfcfd0, CX
	ADDQ AX, CX
	MOVQ $0x4646464646464646, R13
	ADDQ AX, R13
	ORQ  R13, CX
	MOVQ $0x8080808080808080, R13
	ANDQ R13, CX
	JZ   bail
	BSFQ CX, R13
	SHRQ $3, R13
	INCQ R12
	CMPQ R13, R12
	JLE  bail
	LEAQ (DI)(R13*1), AX
	JMP  after

nlong:
	// Eight digits or more: an integer of up to fifteen (a time in
	// milliseconds, as CloudTrail writes launchTime) ends in the next
	// word; a fraction or an exponent after it is left to skipContainer.
	CMPB R13, $0x30
	JEQ  bail
	LEAQ 16(DI), CX
	CMPQ CX, DX
	JGT  bail
	MOVQ 8(SI)(DI*1), R13
	NONDIGITS
	JZ   bail
	BSFQ CX, R12
	SHRQ $3, R12
	LEAQ 8(DI)(R12*1), AX
	JMP  after

literal:
	LEAQ 5(AX), CX
	CMPQ CX, DX
	JGT  bail
	MOVL (SI)(AX*1), CX
	CMPL CX, $0x65757274 // true
	JEQ  lit4
	CMPL CX, $0x6c6c756e // null
	JEQ  lit4
	CMPL CX, $0x736c6166 // fals
	JNE  bail
	CMPB 4(SI)(AX*1), $0x65
	JNE  bail
	ADDQ $5, AX
	JMP  after

lit4:
	ADDQ $4, AX
	JMP  after

	STRINGCOLD(vscan, vtake, vfound, vfrom, vfresh, vnext, vnextlast, vrefill, vlast, vtail)
	STRINGCOLD(nscan, ntake, nfound, nfrom, nfresh, nnext, nnextlast, nrefill, nlast, ntail)

done:
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET

bail:
	VZEROUPPER
	MOVQ $-1, ret+40(FP)
	RET
