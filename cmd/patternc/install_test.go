package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestGoModLanguageVersion: go.mod states the language version users need
// (go 1.N, or 1.N.0 where a dependency such as nats-server declares
// 1.N.0, which go mod tidy then requires), not a patch release such as
// 1.26.8, which makes every older 1.N toolchain download a newer one
// before it can build.
func TestGoModLanguageVersion(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(string(data))
	if goLine == nil || !regexp.MustCompile(`^1\.\d+(\.0)?$`).MatchString(goLine[1]) {
		t.Fatalf("go.mod go line %q: want a language version such as 1.26", goLine)
	}
	if regexp.MustCompile(`(?m)^toolchain `).Match(data) {
		t.Fatal("go.mod has a toolchain line: it forces a toolchain download")
	}
}

// TestReadmeSaysHowToInstall: the README tells a newcomer how to get the
// binary every later example runs.
func TestReadmeSaysHowToInstall(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"go install github.com/patternc/patternc/cmd/patternc@latest",
		"go install ./cmd/patternc",
		"patternc version",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("README does not say %q", want)
		}
	}
}
