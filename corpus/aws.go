package corpus

import (
	"fmt"
	"iter"
	"math/rand"
)

// AWSKinds are the event kinds of the AWS-style corpus, in rotation.
var AWSKinds = []string{"ec2", "s3", "cloudtrail", "order"}

var (
	ec2States = []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}
	regions   = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	buckets   = []string{"photos", "logs", "backups", "invoices"}
	apiCalls  = []string{"RunInstances", "TerminateInstances", "CreateBucket", "PutObject", "AssumeRole", "ConsoleLogin"}
	skus      = []string{"A-100", "A-200", "B-300", "C-400", "D-500"}
	countries = []string{"PT", "BR", "US", "DE", "JP"}
)

// AWSEvents yields n EventBridge events for seed: EC2 state changes, S3
// object creations, CloudTrail API calls (with source IP addresses) and
// custom orders with nested detail and item arrays. The slice handed to
// yield is reused.
func AWSEvents(seed int64, n int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		r := rand.New(rand.NewSource(seed))
		for i := 0; i < n; i++ {
			if !yield(awsEvent(r, i)) {
				return
			}
		}
	}
}

func awsEvent(r *rand.Rand, i int) []byte {
	region := regions[r.Intn(len(regions))]
	id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.Intn(1<<16), r.Intn(1<<12), r.Intn(1<<12), r.Int63n(1<<48))
	head := func(source, detailType string) string {
		return fmt.Sprintf(`{"version":"0","id":"%s","detail-type":"%s","source":"%s","account":"123456789012","time":"2024-05-%02dT%02d:%02d:%02dZ","region":"%s"`,
			id, detailType, source, 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60), region)
	}
	switch AWSKinds[i%len(AWSKinds)] {
	case "ec2":
		inst := fmt.Sprintf("i-%017x", r.Int63())
		return []byte(head("aws.ec2", "EC2 Instance State-change Notification") +
			fmt.Sprintf(`,"resources":["arn:aws:ec2:%s:123456789012:instance/%s"],"detail":{"instance-id":"%s","state":"%s"}}`, region, inst, inst, ec2States[r.Intn(len(ec2States))]))
	case "s3":
		b := buckets[r.Intn(len(buckets))]
		key := fmt.Sprintf("%s/%04d/%02d/file-%d.%s", b, 2020+r.Intn(5), 1+r.Intn(12), r.Intn(100000), []string{"jpg", "png", "log", "csv", "gz"}[r.Intn(5)])
		return []byte(head("aws.s3", "Object Created") +
			fmt.Sprintf(`,"resources":["arn:aws:s3:::%s"],"detail":{"version":"0","bucket":{"name":"%s"},"object":{"key":"%s","size":%d,"etag":"%x"},"reason":"PutObject"}}`, b, b, key, r.Intn(10_000_000), r.Int63()))
	case "cloudtrail":
		ip := fmt.Sprintf("%d.%d.%d.%d", []int{10, 172, 192, 54}[r.Intn(4)], r.Intn(256), r.Intn(256), r.Intn(256))
		if r.Intn(5) == 0 {
			ip = fmt.Sprintf("2001:db8:%x::%x", r.Intn(1<<16), r.Intn(1<<16))
		}
		return []byte(head("aws.cloudtrail", "AWS API Call via CloudTrail") +
			fmt.Sprintf(`,"resources":[],"detail":{"eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userIdentity":{"type":"IAMUser","userName":"user%d"},"errorCode":%s}}`,
				apiCalls[r.Intn(len(apiCalls))], region, ip, r.Intn(50), []string{"null", `"AccessDenied"`, "null", "null"}[r.Intn(4)]))
	}
	items := ""
	for k := 0; k < 1+r.Intn(4); k++ {
		if k > 0 {
			items += ","
		}
		items += fmt.Sprintf(`{"sku":"%s","qty":%d,"price":%d.%02d}`, skus[r.Intn(len(skus))], 1+r.Intn(5), r.Intn(200), r.Intn(100))
	}
	return []byte(head("com.example.orders", "Order Placed") +
		fmt.Sprintf(`,"resources":[],"detail":{"orderId":"o-%d","status":"%s","total":%d.%02d,"customer":{"country":"%s","tier":"%s"},"items":[%s]}}`,
			r.Intn(1_000_000), []string{"new", "paid", "shipped", "cancelled"}[r.Intn(4)], r.Intn(1000), r.Intn(100),
			countries[r.Intn(len(countries))], []string{"gold", "silver", "basic"}[r.Intn(3)], items))
}
