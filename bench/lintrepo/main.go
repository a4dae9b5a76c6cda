// Command lintrepo writes a generated repository of mixed files for
// measuring `patternc lint` at scale: CloudFormation and CDK templates,
// Terraform modules, Serverless files, rule files, standalone patterns,
// and the ordinary files around them (package.json, tsconfig.json, sample
// events, Kubernetes YAML, event logs, source code). One file in ten that
// holds patterns has one planted error; the count is printed.
//
//	go run ./bench/lintrepo -files 5000 -out /tmp/mixed
//	/usr/bin/time -v patternc lint --format json /tmp/mixed > /dev/null
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/patternc/patternc/bench/lintrepo/repogen"
)

func main() {
	files := flag.Int("files", 5000, "number of files to write")
	out := flag.String("out", "", "directory to write (created)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "lintrepo: -out DIR is required")
		os.Exit(2)
	}
	st, err := repogen.Write(*out, *files)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lintrepo:", err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d with patterns, %d planted errors\n", st.Files, st.PatternFiles, st.Errors)
}
