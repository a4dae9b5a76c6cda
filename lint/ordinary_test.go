package lint

import (
	"os"
	"path/filepath"
	"testing"
)

// ordinaryRepo is a fixture of realistic files that are not patterns
// (package.json, tsconfig.json, cdk.json, ESLint and Semgrep configs with
// rules:, a GitHub workflow, docker-compose, sample events, an SDK service
// model, a Helm chart, Kubernetes manifests) under folders named
// eventbridge-* and sns-*.
const ordinaryRepo = "../testdata/ordinary-repo"

func allFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) < 15 {
		t.Fatalf("fixture: %d files, %v", len(files), err)
	}
	return files
}

// TestOrdinaryRepoHasNoFindings: zero findings and zero patterns, both as
// a directory walk and with every file named on the command line (the
// pre-commit way), also from inside a folder named eventbridge-app.
func TestOrdinaryRepoHasNoFindings(t *testing.T) {
	for name, paths := range map[string][]string{
		"walk":        {ordinaryRepo},
		"walk inside": {filepath.Join(ordinaryRepo, "eventbridge-app")},
		"named":       allFiles(t, ordinaryRepo),
	} {
		res, err := Run(paths, Options{Rules: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 0 || res.Patterns != 0 || len(res.Rules) != 0 {
			t.Errorf("%s: %d findings, %d patterns: %+v", name, len(res.Findings), res.Patterns, res.Findings)
		}
		if res.Files == 0 {
			t.Errorf("%s: no file examined", name)
		}
	}
}
