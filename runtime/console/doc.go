// Package console is patternc's web console (`patternc serve` at /ui/):
// the page's static assets, embedded so that the Go build alone makes a
// working, offline console, and the pattern sandbox the page calls
// (Try), which checks a pattern, matches it against an event or a
// Publish request with the reference interpreter's explain lines, and
// offers an example input that matches.
//
// The HTTP side (sessions, the /ui/api endpoints, the WebSocket feed) is
// the server's: see runtime/server's ui*.go files and docs/console.md.
package console
