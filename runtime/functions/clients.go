package functions

import (
	"bytes"
	"embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// python is the interpreter python3.x functions run on: Options.Python,
// resolved once to the executable it names (sys.executable), so that a
// launcher such as a pyenv shim — a script that takes most of a second —
// is not paid on every cold start.
func (s *Service) python() string {
	s.pythonOnce.Do(func() {
		s.pythonPath = s.cfg.Python
		out, err := exec.Command(s.cfg.Python, "-c", "import sys; print(sys.executable)").Output()
		if p := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(p) {
			s.pythonPath = p
		}
	})
	return s.pythonPath
}
