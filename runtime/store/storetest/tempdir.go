package storetest

import "os"

// tempDir makes the embedded JetStream server's directory; it lives as
// long as the test binary.
func tempDir() string {
	d, err := os.MkdirTemp("", "patternc-jetstream-*")
	if err != nil {
		panic(err)
	}
	return d
}
