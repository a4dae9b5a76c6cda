//go:build race

package status

// raceEnabled: the race detector slows each WebSocket write ~10×, so the
// fan-out test keeps its shape (many fast subscribers, one slow) at a
// size the detector can check within the test timeout.
const raceEnabled = true
