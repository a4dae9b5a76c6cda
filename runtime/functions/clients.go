package functions

import (
	"bytes"
	"embed"
	"os"
	"path/filepath"
)

// The runtime clients of python3.x and nodejs* functions: small programs
// patternc owns that load the user's handler and loop on the Runtime API
// as AWS's own clients do.
//
//go:embed clients/bootstrap.py clients/bootstrap.js
var clients embed.FS

func (s *Service) clientsDir() string { return filepath.Join(s.cfg.Dir, "runtime-clients") }

func (s *Service) clientPath(name string) (string, error) {
	return filepath.Join(s.clientsDir(), name), nil
}

// writeClients puts the embedded clients where processes can run them,
// rewriting them only when they changed.
func (s *Service) writeClients() error {
	dir := s.clientsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"bootstrap.py", "bootstrap.js"} {
		data, err := clients.ReadFile("clients/" + name)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	return nil
}
