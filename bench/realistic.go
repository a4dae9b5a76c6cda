package bench

import (
	"fmt"
	"math/rand"
	"strings"

	"github.com/patternc/patternc/corpus"
)

// The realistic families: rules written the way EventBridge users write
// them, over the AWS-style, CloudTrail and international corpora.

var (
	ec2States  = []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}
	awsRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	buckets    = []string{"photos", "logs", "backups", "invoices"}
	apiCalls   = []string{"RunInstances", "TerminateInstances", "CreateBucket", "PutObject", "AssumeRole", "ConsoleLogin"}
	countries  = []string{"PT", "BR", "US", "DE", "JP"}
	statuses   = []string{"new", "paid", "shipped", "cancelled"}
	tiers      = []string{"gold", "silver", "basic"}
	extensions = []string{"jpg", "png", "log", "csv", "gz"}
)

func pick(r *rand.Rand, list []string) string { return list[r.Intn(len(list))] }

// multiField: source, detail-type and two or three detail fields — the
// usual EventBridge rule.
func multiField(r *rand.Rand, i int) string {
	switch i % 4 {
	case 0:
		return fmt.Sprintf(`{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"region":[%q],"detail":{"state":[%q,%q],"instance-id":[{"prefix":"i-%x"}]}}`,
			pick(r, awsRegions), pick(r, ec2States), pick(r, ec2States), r.Intn(16))
	case 1:
		return fmt.Sprintf(`{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":[%q]},"object":{"key":[{"prefix":"%s/202%d/"}],"size":[{"numeric":[">",%d]}]}}}`,
			pick(r, buckets), pick(r, buckets), r.Intn(5), r.Intn(5_000_000))
	case 2:
		return fmt.Sprintf(`{"source":["aws.cloudtrail"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ec2.amazonaws.com"],"eventName":[%q,%q],"userIdentity":{"userName":["user%d"]},"errorCode":[{"exists":%v}]}}`,
			pick(r, apiCalls), pick(r, apiCalls), r.Intn(50), r.Intn(2) == 0)
	}
	return fmt.Sprintf(`{"source":["com.example.orders"],"detail-type":["Order Placed"],"detail":{"status":[%q],"customer":{"country":[%q],"tier":[%q]}}}`,
		pick(r, statuses), pick(r, countries), pick(r, tiers))
}

// escapesUnicode: exact and prefix values with non-ASCII text and
// characters JSON escapes, over events that write them raw or escaped.
func escapesUnicode(r *rand.Rand, i int) string {
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	switch i % 3 {
	case 0:
		return fmt.Sprintf(`{"source":["com.example.intl"],"detail":{"customer":{"name":[%s]}}}`, jsonString(pick(r, corpus.IntlNames)))
	case 1:
		return fmt.Sprintf(`{"detail":{"customer":{"city":[%s,%s]}}}`, jsonString(pick(r, corpus.IntlCities)), jsonString(pick(r, corpus.IntlCities)))
	}
	return fmt.Sprintf(`{"detail":{"note":[{"prefix":%s}],"url":[{"suffix":%s}]}}`,
		jsonString("Deliver to "+pick(r, corpus.IntlCities)), q("lang="+pick(r, []string{"pt", "de", "ru", "ja"})))
}

// jsonString writes s as a JSON string with raw UTF-8.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wildcardStars: wildcards with a leading star and several stars.
func wildcardStars(r *rand.Rand, i int) string {
	switch i % 4 {
	case 0:
		return fmt.Sprintf(`{"detail":{"object":{"key":[{"wildcard":"*/202%d/*.%s"}]}}}`, r.Intn(5), pick(r, extensions))
	case 1:
		return fmt.Sprintf(`{"detail":{"object":{"key":[{"wildcard":"*file-%d*"}]}}}`, r.Intn(100))
	case 2:
		return fmt.Sprintf(`{"resources":[{"wildcard":"arn:aws:*:%s:*:instance/i-*"}]}`, pick(r, awsRegions))
	}
	return fmt.Sprintf(`{"detail-type":[{"wildcard":"*State*%s"}]}`, []string{"Notification", "tion", "n"}[r.Intn(3)])
}

// affixIgnoreCase: prefix and suffix with equals-ignore-case.
func affixIgnoreCase(r *rand.Rand, i int) string {
	switch i % 3 {
	case 0:
		return fmt.Sprintf(`{"detail-type":[{"prefix":{"equals-ignore-case":%q}}]}`, pick(r, []string{"ec2 instance", "OBJECT", "aws api", "order p"}))
	case 1:
		return fmt.Sprintf(`{"detail":{"object":{"key":[{"suffix":{"equals-ignore-case":".%s"}}]}}}`, strings.ToUpper(pick(r, extensions)))
	}
	return fmt.Sprintf(`{"source":[{"prefix":{"equals-ignore-case":"AWS."}}],"detail":{"state":[{"suffix":{"equals-ignore-case":%q}}]}}`, strings.ToUpper(pick(r, ec2States)[2:]))
}

// cloudTrailRule: the rules teams write on CloudTrail, reaching deep into
// detail and into arrays of objects.
func cloudTrailRule(r *rand.Rand, i int) string {
	switch i % 4 {
	case 0:
		return fmt.Sprintf(`{"source":[%q],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":[%q],"eventName":[%q]}}`,
			"aws."+strings.TrimSuffix(pick(r, corpus.CloudTrailSources), ".amazonaws.com"), pick(r, corpus.CloudTrailSources), pick(r, corpus.CloudTrailNames))
	case 1:
		return fmt.Sprintf(`{"detail":{"userIdentity":{"type":[%q],"sessionContext":{"attributes":{"mfaAuthenticated":["false"]}}},"errorCode":[{"exists":true}]}}`, pick(r, corpus.CloudTrailUsers))
	case 2:
		return fmt.Sprintf(`{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":[%q]}}}}}`, pick(r, []string{"t3.micro", "m5.large", "c6g.xlarge", "r7i.2xlarge"}))
	}
	return fmt.Sprintf(`{"detail":{"awsRegion":[%q],"sourceIPAddress":[{"cidr":"%d.0.0.0/8"}],"readOnly":[false]}}`, pick(r, awsRegions), []int{10, 172, 192, 54}[r.Intn(4)])
}

// mixedRule: one of ten thousand rules of every kind over the mixed AWS
// corpus; unique values (accounts, order ids, sizes) keep them distinct.
func mixedRule(r *rand.Rand, i int) string {
	switch i % 6 {
	case 0, 1:
		return multiField(r, i/2)
	case 2:
		return fmt.Sprintf(`{"source":["com.example.orders"],"detail":{"orderId":["o-%d"]}}`, r.Intn(1_000_000))
	case 3:
		return cloudTrailRule(r, i/6)
	case 4:
		lo := r.Intn(9_900_000)
		return fmt.Sprintf(`{"source":[{"prefix":"aws."}],"region":[{"anything-but":[%q]}],"detail":{"object":{"size":[{"numeric":[">=",%d,"<",%d]}]}}}`,
			pick(r, awsRegions), lo, lo+20_000+r.Intn(80_000))
	}
	return escapesUnicode(r, i/6)
}
