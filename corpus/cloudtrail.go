package corpus

import (
	"fmt"
	"iter"
	"math/rand"
	"strings"
)

// CloudTrailSources and CloudTrailNames are the services and API calls of
// the CloudTrail corpus; pattern generators draw from them.
var (
	CloudTrailSources = []string{"ec2.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com", "lambda.amazonaws.com", "dynamodb.amazonaws.com", "sts.amazonaws.com"}
	CloudTrailNames   = []string{"RunInstances", "TerminateInstances", "DescribeInstances", "PutObject", "GetObject", "CreateRole", "AttachRolePolicy", "Invoke", "UpdateFunctionCode", "PutItem", "AssumeRole", "CreateTags"}
	CloudTrailUsers   = []string{"IAMUser", "AssumedRole", "Root", "AWSService", "FederatedUser"}
)

// CloudTrail yields n large AWS API Call events (2–10 KB each) shaped like
// CloudTrail's: a deep detail with userIdentity and sessionContext,
// requestParameters holding arrays of objects (instances, tags, block
// devices), responseElements echoing them, and a resources array of
// objects. The slice handed to yield is reused.
func CloudTrail(seed int64, n int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		r := rand.New(rand.NewSource(seed))
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.Reset()
			cloudTrailEvent(&b, r)
			if !yield([]byte(b.String())) {
				return
			}
		}
	}
}

func cloudTrailEvent(b *strings.Builder, r *rand.Rand) {
	region := regions[r.Intn(len(regions))]
	src := CloudTrailSources[r.Intn(len(CloudTrailSources))]
	name := CloudTrailNames[r.Intn(len(CloudTrailNames))]
	user := CloudTrailUsers[r.Intn(len(CloudTrailUsers))]
	acct := fmt.Sprintf("%012d", int64(100000000000)+int64(r.Intn(20)*7919)) // int64: an int overflows on 32-bit targets
	ip := fmt.Sprintf("%d.%d.%d.%d", []int{10, 172, 192, 54}[r.Intn(4)], r.Intn(256), r.Intn(256), r.Intn(256))
	fmt.Fprintf(b, `{"version":"0","id":"%08x-%04x-4%03x-8%03x-%012x","detail-type":"AWS API Call via CloudTrail","source":"aws.%s","account":"%s","time":"2024-06-%02dT%02d:%02d:%02dZ","region":"%s","resources":[],"detail":{`,
		r.Uint32(), r.Intn(1<<16), r.Intn(1<<12), r.Intn(1<<12), r.Int63n(1<<48), strings.TrimSuffix(src, ".amazonaws.com"), acct, 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60), region)
	fmt.Fprintf(b, `"eventVersion":"1.08","userIdentity":{"type":"%s","principalId":"AROA%016X:session-%d","arn":"arn:aws:sts::%s:assumed-role/role-%d/session-%d","accountId":"%s","accessKeyId":"ASIA%016X",`,
		user, r.Int63(), r.Intn(1000), acct, r.Intn(40), r.Intn(1000), acct, r.Int63())
	fmt.Fprintf(b, `"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA%016X","arn":"arn:aws:iam::%s:role/role-%d","accountId":"%s","userName":"role-%d"},"webIdFederationData":{},"attributes":{"creationDate":"2024-06-01T10:00:00Z","mfaAuthenticated":"%v"}}},`,
		r.Int63(), acct, r.Intn(40), acct, r.Intn(40), r.Intn(2) == 0)
	fmt.Fprintf(b, `"eventTime":"2024-06-%02dT%02d:%02d:%02dZ","eventSource":"%s","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"aws-cli/2.15.%d Python/3.11.%d Linux/6.1 exe/x86_64.amzn.2 prompt/off command/%s",`,
		1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60), src, name, region, ip, r.Intn(60), r.Intn(9), strings.ToLower(name))
	if r.Intn(6) == 0 {
		fmt.Fprintf(b, `"errorCode":"%s","errorMessage":"You are not authorized to perform this operation. Encoded authorization failure message: %x",`,
			[]string{"AccessDenied", "UnauthorizedOperation", "ThrottlingException"}[r.Intn(3)], r.Int63())
	}
	// requestParameters: arrays of objects, the bulk of the event.
	items := 1 + r.Intn(12)
	b.WriteString(`"requestParameters":{"instancesSet":{"items":[`)
	for k := 0; k < items; k++ {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"imageId":"ami-%017x","minCount":1,"maxCount":%d,"instanceType":"%s","blockDeviceMapping":{"items":[{"deviceName":"/dev/xvda","ebs":{"volumeSize":%d,"volumeType":"gp3","deleteOnTermination":true,"encrypted":%v}}]}}`,
			r.Int63(), 1+r.Intn(4), []string{"t3.micro", "m5.large", "c6g.xlarge", "r7i.2xlarge"}[r.Intn(4)], 8<<r.Intn(5), r.Intn(2) == 0)
	}
	b.WriteString(`]},"tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[`)
	for k := 0; k < 2+r.Intn(6); k++ {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"key":"%s","value":"%s-%d"}`, []string{"env", "team", "owner", "cost-center", "app", "Name"}[k%6], []string{"prod", "dev", "payments", "search", "web"}[r.Intn(5)], r.Intn(100))
	}
	fmt.Fprintf(b, `]}]},"monitoring":{"enabled":%v},"disableApiTermination":false,"clientToken":"%x"},`, r.Intn(2) == 0, r.Int63())
	b.WriteString(`"responseElements":{"reservationId":"r-`)
	fmt.Fprintf(b, `%017x","ownerId":"%s","groupSet":{},"instancesSet":{"items":[`, r.Int63(), acct)
	for k := 0; k < items; k++ {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"instanceId":"i-%017x","currentState":{"code":0,"name":"pending"},"privateIpAddress":"10.%d.%d.%d","subnetId":"subnet-%x","vpcId":"vpc-%x","cpuOptions":{"coreCount":%d,"threadsPerCore":2},"launchTime":%d}`,
			r.Int63(), r.Intn(256), r.Intn(256), r.Intn(256), r.Int31(), r.Int31(), 1+r.Intn(8), 1717200000000+r.Int63n(1e9))
	}
	fmt.Fprintf(b, `]}},"requestID":"%08x-%04x-%04x","eventID":"%08x-%04x-%04x","readOnly":%v,"resources":[`, r.Uint32(), r.Intn(1<<16), r.Intn(1<<16), r.Uint32(), r.Intn(1<<16), r.Intn(1<<16), strings.HasPrefix(name, "Describe") || strings.HasPrefix(name, "Get"))
	for k := 0; k < 1+r.Intn(3); k++ {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"accountId":"%s","type":"AWS::EC2::Instance","ARN":"arn:aws:ec2:%s:%s:instance/i-%017x"}`, acct, region, acct, r.Int63())
	}
	fmt.Fprintf(b, `],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s.%s.amazonaws.com"}}}`,
		acct, strings.TrimSuffix(src, ".amazonaws.com"), region)
}
