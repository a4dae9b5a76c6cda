//go:build !linux

package functions

import "os"

func pipeEmpty(f *os.File) bool { return true }

func peakMemoryMB(pid int) int { return 0 }
