// Command lambdago is a function written the way every Go Lambda is, with
// github.com/aws/aws-lambda-go, unchanged: the tests of runtime/functions
// build it as the bootstrap of a provided.al2023 function to show that
// patternc's Runtime API is the one that library expects.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Action string `json:"action"`
	Text   string `json:"text"`
	Sleep  int    `json:"sleepMs"`
	Size   int    `json:"size"`
}

type response struct {
	Echo      string `json:"echo"`
	RequestID string `json:"requestId"`
	Function  string `json:"function"`
	Remaining bool   `json:"hasDeadline"`
}

func handle(ctx context.Context, r request) (any, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	_, hasDeadline := ctx.Deadline()
	switch r.Action {
	case "print":
		fmt.Println("go says:", r.Text)
	case "error":
		return nil, errors.New(r.Text)
	case "sleep":
		time.Sleep(time.Duration(r.Sleep) * time.Millisecond)
	case "crash":
		os.Exit(3)
	case "panic":
		panic(r.Text)
	case "big":
		return strings.Repeat("x", r.Size), nil
	}
	return response{Echo: r.Text, RequestID: lc.AwsRequestID, Function: lambdacontext.FunctionName, Remaining: hasDeadline}, nil
}

func main() { lambda.Start(handle) }
