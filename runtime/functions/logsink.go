package functions

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// LogEvent is one line of a function's output.
type LogEvent struct {
	Time    time.Time
	Message string
}

// LogSink receives function output: one stream per process in the
// function's log group. runtime/logs implements it; a nil LogSink in
// Config drops output (LogType=Tail still works).
type LogSink interface {
	AppendLogs(group, stream string, events []LogEvent) error
}

// LogGroup is the log group of a function [AWS].
func LogGroup(function string) string { return "/aws/lambda/" + function }

// newStreamName is a process's log stream, YYYY/MM/DD/[$LATEST]{32 hex}
// [AWS].
func newStreamName(now time.Time) string {
	var b [16]byte
	rand.Read(b[:])
	return now.UTC().Format("2006/01/02") + "/[$LATEST]" + hex.EncodeToString(b[:])
}

// The platform lines around each invocation, as Lambda writes them
// [AWS]. REPORT fields are tab-separated and the line ends with a tab.
func startLine(id string) string { return "START RequestId: " + id + " Version: $LATEST" }

func endLine(id string) string { return "END RequestId: " + id }

func reportLine(id string, d time.Duration, memoryMB, maxUsedMB int, init time.Duration) string {
	ms := float64(d.Microseconds()) / 1000
	billed := d.Milliseconds()
	if time.Duration(billed)*time.Millisecond < d || billed == 0 {
		billed++
	}
	s := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		id, ms, billed, memoryMB, maxUsedMB)
	if init > 0 {
		s += fmt.Sprintf("Init Duration: %.2f ms\t", float64(init.Microseconds())/1000)
	}
	return s
}

// timeoutLine is what the log shows, and errorMessage says, when an
// invocation runs out of time [AWS].
func timeoutMessage(now time.Time, id string, timeout time.Duration) string {
	return fmt.Sprintf("%s %s Task timed out after %.2f seconds", now.UTC().Format("2006-01-02T15:04:05.000Z"), id, timeout.Seconds())
}
