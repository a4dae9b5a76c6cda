package kernel

import (
	"errors"
	"testing"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/store"
)

type nopStore struct{ store.Store }

func TestEnvWithDefaults(t *testing.T) {
	if _, err := (Env{}).WithDefaults(); !errors.Is(err, ErrNoStore) {
		t.Fatalf("no store: %v", err)
	}
	e, err := Env{Store: nopStore{}}.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if e.Region != DefaultRegion || e.Account != DefaultAccount || e.Partition != "aws" || e.Logger == nil || e.Resolver == nil {
		t.Errorf("defaults: %+v", e)
	}
	if _, ok := e.Clock.(clock.Real); !ok {
		t.Errorf("clock %T, want clock.Real", e.Clock)
	}
	if _, err := e.Resolver.Resolve("arn:aws:sqs:us-east-1:1:q"); !errors.Is(err, ErrNoResource) {
		t.Errorf("default resolver: %v", err)
	}
	cn, _ := Env{Store: nopStore{}, Region: "cn-north-1", Account: "1"}.WithDefaults()
	if got := cn.ARN("sqs", "q").String(); got != "arn:aws-cn:sqs:cn-north-1:1:q" {
		t.Errorf("ARN in cn-north-1: %s", got)
	}
	a, _ := ParseARN("arn:aws-cn:sqs:cn-north-1:1:q")
	if !cn.Owns("sqs", a) || cn.Owns("sns", a) || e.Owns("sqs", a) {
		t.Error("Owns")
	}
}
