package sns_test

import (
	"context"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"os"

	"github.com/patternc/patternc/runtime/sns"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

func Example() {
	dir, _ := os.MkdirTemp("", "sns-example")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	svc, err := sns.New(kernel.Env{Store: st, Account: "123456789012", Region: "us-east-1"}, sns.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	arn, _ := svc.CreateTopic(ctx, "orders", nil)
	fmt.Println(arn)

	// A bad filter policy is rejected with AWS's message.
	_, err = svc.Subscribe(ctx, arn, "sqs", "arn:aws:sqs:us-east-1:123456789012:billing",
		map[string]string{"FilterPolicy": `{"store": [{"prefix": 5}]}`})
	fmt.Println(err != nil)

	_, err = svc.Publish(ctx, sns.PublishInput{TopicArn: arn, Message: ""})
	fmt.Println(err)
	// Output:
	// arn:aws:sns:us-east-1:123456789012:orders
	// true
	// InvalidParameter: Invalid parameter: Empty message
}
