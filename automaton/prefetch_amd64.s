//go:build amd64 && !purego

#include "textflag.h"

// func prefetchLines(p *byte, n int)
// Issues PREFETCHT0 for each 64-byte line of p[0:n], n > 0. A prefetch
// neither faults nor waits: the loads of the input that follow find the
// lines on their way.
TEXT ·prefetchLines(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), CX
loop:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	SUBQ $64, CX
	JGT  loop
	RET
