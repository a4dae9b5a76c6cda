package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// envelope is a TestEventPattern-complete event around detail.
func envelope(detail string) string {
	return `{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","detail":` + detail + `}`
}

// cliCases are the command lines a newcomer runs into, with their whole
// output pinned in testdata/cli/NAME.golden (exit status, stdout, stderr).
// Each names the issue item it pins. go test -run TestCLIGolden -update
// rewrites the files.
var cliCases = []struct {
	name  string
	stdin string
	args  []string
}{
	// check on things that are lint's job says so.
	{"check-dir", "", []string{"check", "../../corpus/samples"}},
	{"check-template", "", []string{"check", "../../corpus/samples/cloudformation/orders.yaml"}},
	{"check-terraform", "", []string{"check", "../../corpus/samples/terraform/rules.tf"}},
	// --format json for check and test.
	{"check-json", "", []string{"check", "--format", "json", "../../testdata/diagnostics/eventbridge-several-errors.json", "../../corpus/samples/eventbridge/ec2-running.json"}},
	{"test-json-match", "", []string{"test", "--format", "json", "-p", `{"detail":{"size":[{"numeric":[">=",1048576]}],"key":[{"prefix":"a<b&"}]}}`, "-i", envelope(`{"size":2097152,"key":"a<b&c"}`)}},
	{"test-json-invalid-pattern", "", []string{"test", "--format", "json", "-p", `{"detail":{"size":[{"numeric":[">",9,"<",2]}]}}`, "-i", envelope(`{}`)}},
	{"test-json-invalid-input", "", []string{"test", "--format", "json", "--dialect", "sns", "-p", `{"store":["eu"]}`, "-i", `{"store":"eu"}`}},
	// E107 for prefix + suffix: a wildcard, or the exact rewrite.
	{"e107-wildcard", "", []string{"check", `{"key":[{"prefix":"uploads/","suffix":".jpg"}]}`}},
	{"e107-overlap", "", []string{"check", `{"key":[{"prefix":"ab","suffix":"bc"}]}`}},
	{"e107-sns", "", []string{"check", "--dialect", "sns", `{"key":[{"prefix":"ab","suffix":"bc"}]}`}},
	// test --dialect sns with something that is not a Publish request.
	{"test-sns-raw-body", "", []string{"test", "--dialect", "sns", "--scope", "MessageBody", "-p", `{"status":["paid"]}`, "-i", `{"status":"paid"}`}},
	{"test-sns-bare-attributes", "", []string{"test", "--dialect", "sns", "-p", `{"store":["eu"]}`, "-i", `{"store":{"DataType":"String","StringValue":"eu"}}`}},
	{"test-sns-envelope", "", []string{"test", "--dialect", "sns", "-p", `{"store":["eu"]}`, "-i", `{"Type":"Notification","Message":"m","MessageAttributes":{"store":{"Type":"String","Value":"eu"}}}`}},
	// did you mean, case-insensitive --dialect, unknown --disable codes.
	{"did-you-mean-equals-ignore-case", "", []string{"check", `{"a":[{"equals_ignore_case":"x"}]}`}},
	{"did-you-mean-anything-but", "", []string{"check", `{"a":[{"anything_but":"x"}]}`}},
	{"did-you-mean-prefx", "", []string{"check", `{"a":[{"prefx":"x"}]}`}},
	{"dialect-case", "", []string{"check", "--dialect", "SNS", "--scope", "MessageBody", `{"a":{"b":["x"]}}`}},
	{"lint-disable-unknown", "", []string{"lint", "--disable", "L104,L999", "../../corpus/samples"}},
	// --explain prints numbers as written.
	{"test-explain-numbers", "", []string{"test", "--explain", "-p", `{"detail":{"size":[{"numeric":[">=",1048576,"<",2e9]}],"n":[{"numeric":["=",3.0]}]}}`, "-i", envelope(`{"size":2097152,"n":3}`)}},
	// match: a line per input line, errors that say what is wrong, explain, stats.
	{"match-lines", "{\"source\":\"aws.ec2\"}\n\n   \n[1,2]\n\"x\"\n{oops\n{\"source\":\"a<b&c\"}\n", []string{"match", "--workers", "1", "--rules", "testdata/cli-rules.jsonl"}},
	{"match-long-line", "{\"source\":\"aws.ec2\"}\n{\"source\":\"aws.ec2\",\"pad\":\"" + strings.Repeat("x", 200) + "\"}\n{\"source\":\"aws.ec2\"}", []string{"match", "--max-line", "100", "--rules", "testdata/cli-rules.jsonl"}},
	{"match-explain-stats", "{\"source\":\"aws.ec2\",\"detail\":{\"n\":1048577}}\n{\"source\":\"aws.s3\"}\n", []string{"match", "--workers", "1", "--explain", "--explain-rule", "big", "--stats", "--rules", "testdata/cli-rules.jsonl"}},
	{"match-sns-rules-left-out", "{\"source\":\"aws.ec2\"}\n", []string{"match", "--rules", "testdata/cli-rules-mixed.jsonl"}},
	{"match-sns", "{\"Message\":\"m\",\"MessageAttributes\":{\"store\":{\"DataType\":\"String\",\"StringValue\":\"eu\"}}}\n{\"source\":\"aws.ec2\"}\n", []string{"match", "--dialect", "sns", "--rules", "testdata/cli-rules-mixed.jsonl"}},
}

// rates hides the measured speed in match's summary.
var rates = regexp.MustCompile(`[0-9.]+ events/s, [0-9.]+ MB/s`)

func TestCLIGolden(t *testing.T) {
	for _, tc := range cliCases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
			got := fmt.Sprintf("$ patternc %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(tc.args, " "), code, stdout, stderr)
			got = rates.ReplaceAllString(got, "N events/s, N MB/s")
			golden := filepath.Join("testdata", "cli", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestCLIGolden -update)", err)
			}
			if got != string(want) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
