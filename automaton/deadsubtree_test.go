package automaton

import (
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// The dead-subtree tests hold MatchTrusted to Match and to
// compiler.Explain on CloudTrail-like rules whose paths under a member
// (detail.requestParameters) are guarded by an exact value at a path
// outside it (detail.eventName, source, ...), the shape for which
// MatchTrusted may skip the member's whole value once every rule naming a
// path at or below it has failed its guard. The rules mix guarded ones
// (one or two exact values, several guard paths, a nested guard path, a
// numeric exact value), conditions on the guard path that are no guards
// (prefix, anything-but, exists, numeric, equals-ignore-case, wildcard, a
// list of an exact value and a prefix), exists:false under the member,
// rules naming the member itself, and $or rules; the events put the guard
// before and after the member, absent, in arrays, escaped, of other
// types, and the member as an object, an array, a string, empty, deep,
// and holding strings with brackets and escaped quotes. Every event meets
// the trusted contract (checked with CheckTrusted).

// dsGuarded are the rules guarded for detail.requestParameters (or
// behaving like guarded ones on the guard path), and the rules whose
// condition on the guard path is no guard; dsUnguarded name paths under
// detail.requestParameters with nothing outside it to guard them.
var (
	dsGuarded = []string{
		// 0-2: guarded by detail.eventName, one and two values, and with
		// source as a second guard.
		`{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		`{"detail":{"eventName":["RunInstances","StartInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["m5.large"]}}}}}`,
		`{"source":["aws.ec2"],"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":[{"prefix":"t3."}]}}}}}`,
		// 3-6: the same member guarded by other paths: source alone,
		// detail.eventSource, detail-type, a nested detail.userIdentity.type.
		`{"source":["aws.ec2"],"detail":{"requestParameters":{"instanceType":["t3.micro"]}}}`,
		`{"detail":{"eventSource":["ec2.amazonaws.com"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		`{"detail-type":["AWS API Call via CloudTrail"],"detail":{"requestParameters":{"bucketName":["b1"]}}}`,
		`{"detail":{"userIdentity":{"type":["Root"]},"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		// 7-12: conditions on eventName that are no guards.
		`{"detail":{"eventName":[{"prefix":"Run"}],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		`{"detail":{"eventName":[{"anything-but":"CreateTags"}],"requestParameters":{"maxCount":[1]}}}`,
		`{"detail":{"eventName":[{"exists":true}],"requestParameters":{"minCount":[{"numeric":[">=",1]}]}}}`,
		`{"detail":{"eventName":[{"numeric":[">",0]}],"requestParameters":{"maxCount":[1]}}}`,
		`{"detail":{"eventName":[{"equals-ignore-case":"runinstances"}],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		`{"detail":{"eventName":["CreateTags",{"prefix":"Start"}],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		// 13-14: exists:false under the member, guarded and guarded by source.
		`{"detail":{"eventName":["RunInstances"],"requestParameters":{"dryRun":[{"exists":false}]}}}`,
		`{"source":["aws.ec2"],"detail":{"requestParameters":{"dryRun":[{"exists":false}],"maxCount":[{"exists":false}]}}}`,
		// 15-16: $or, both branches guarded by different values.
		`{"$or":[{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}},{"detail":{"eventName":["StartInstances"],"requestParameters":{"subnetId":["subnet-1"]}}}]}`,
		`{"detail":{"$or":[{"eventName":["RunInstances"]},{"eventSource":["ec2.amazonaws.com"]}],"requestParameters":{"subnetId":["subnet-1"]}}}`,
		// 17-18: naming the member itself.
		`{"detail":{"requestParameters":[{"exists":true}],"eventName":["RunInstances"]}}`,
		`{"detail":{"requestParameters":[{"exists":false}],"eventName":["RunInstances"]}}`,
		// 19-22: a guard that is a number, a wildcard (no guard), a guard
		// beside a second member (responseElements), a guard inside the
		// member (none for the member).
		`{"detail":{"eventVersion":[1.08],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		`{"detail":{"eventName":[{"wildcard":"Run*es"}],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		`{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"imageId":["ami-1"]}}},"responseElements":{"instancesSet":{"items":{"instanceId":[{"prefix":"i-"}]}}}}}`,
		`{"detail":{"requestParameters":{"region":["us-east-1"],"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		// 23-24: guarded with anything-but under the member; guarded
		// deep under the member, with a string holding brackets.
		`{"detail":{"eventName":["TerminateInstances"],"requestParameters":{"instancesSet":{"items":{"instanceId":[{"anything-but":"i-0"}]}}}}}`,
		`{"detail":{"eventName":["PutObject"],"requestParameters":{"a":{"b":{"c":{"d":["}]\"{["]}}}}}}`,
		// 25: a guarded rule on the whole detail member, by source.
		`{"source":["aws.s3"],"detail":{"bucket":{"name":["b1"]}}}`,
		// 26-27: exact null and "" on eventName.
		`{"detail":{"eventName":[null],"requestParameters":{"maxCount":[1]}}}`,
		`{"detail":{"eventName":[""],"requestParameters":{"maxCount":[1]}}}`,
		// 28: a guard path that events put in arrays of objects.
		`{"detail":{"tags":{"key":["k1"]},"requestParameters":{"subnetId":["subnet-1"]}}}`,
	}
	dsUnguarded = []string{
		`{"detail":{"requestParameters":{"clientToken":[{"prefix":"a"}]}}}`,
		`{"$or":[{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}},{"detail":{"requestParameters":{"subnetId":["subnet-1"]}}}]}`,
	}
)

// dsEvents are the events: every one meets the trusted contract.
var dsEvents = []string{
	// eventName before requestParameters, matching and not the guard.
	`{"source":"aws.ec2","detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1,"minCount":1}}}`,
	`{"source":"aws.ec2","detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1,"minCount":1,"clientToken":"abc"}}}`,
	`{"source":"aws.ec2","detail":{"eventName":"StartInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"m5.large"},{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"}}}`,
	`{"source":"aws.s3","detail":{"eventName":"StartInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.large"}]},"subnetId":"subnet-1","clientToken":"a1"}}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.nano"},{"imageId":"ami-1"}]},"dryRun":false}}}`,
	`{"detail":{"eventName":"TerminateInstances","eventSource":"ec2.amazonaws.com","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0"},{"instanceId":"i-1"}]}}}}`,
	`{"detail":{"eventName":"TerminateInstances","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0"}]}}}}`,
	`{"detail":{"eventName":"CreateTags","eventSource":"ec2.amazonaws.com","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"}}}`,
	`{"detail":{"eventName":"CreateTags","userIdentity":{"type":"Root"},"requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
	`{"detail":{"eventName":"CreateTags","eventVersion":1.08,"requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
	`{"detail":{"eventName":"runINSTANCES","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}},"maxCount":1}}}`,
	`{"detail":{"eventName":"StartTheseInstances","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
	`{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"CreateBucket","requestParameters":{"bucketName":"b1"}}}`,
	`{"detail-type":"Other","detail":{"eventName":"CreateBucket","requestParameters":{"bucketName":"b1"}}}`,
	`{"source":"aws.s3","detail":{"bucket":{"name":"b1"},"requestParameters":{"bucketName":"b1"}}}`,
	`{"source":"aws.ec2","detail":{"bucket":{"name":"b1"},"requestParameters":{"instanceType":"t3.micro"}}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	// eventName after requestParameters.
	`{"detail":{"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"eventName":"RunInstances"}}`,
	`{"detail":{"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"dryRun":true},"eventName":"RunInstances"}}`,
	`{"detail":{"requestParameters":{"instancesSet":{"items":[{"instanceType":"m5.large"}]},"subnetId":"subnet-1"},"eventName":"StartInstances","eventSource":"s3.amazonaws.com"}}`,
	`{"detail":{"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"eventName":"CreateTags"},"source":"aws.ec2"}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":{"instanceType":"t3.micro"}},"source":"aws.ec2"}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"},"eventSource":"ec2.amazonaws.com"}}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"userIdentity":{"type":"Root"},"eventVersion":1.08}}`,
	`{"detail":{"eventName":"","requestParameters":{"maxCount":1}}}`,
	`{"detail":{"eventName":"","requestParameters":{"maxCount":2}}}`,
	// a numeric guard written otherwise.
	`{"detail":{"eventName":"CreateTags","eventVersion":1.080,"requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
	`{"detail":{"eventName":"CreateTags","eventVersion":108e-2,"requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
	`{"detail":{"eventName":"CreateTags","eventVersion":"1.08","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
	`{"detail":{"tags":[{"key":"k0"},{"key":"k1"}],"requestParameters":{"subnetId":"subnet-1"}}}`,
	`{"detail":{"tags":{"key":"k0"},"requestParameters":{"subnetId":"subnet-1"}}}`,
	`{"detail":{"tags":[{"key":"k0"}],"requestParameters":{"subnetId":"subnet-1"}}}`,
	`{"detail":{"tags":{"key":["k0","k1"]},"requestParameters":{"subnetId":"subnet-1"}}}`,
	`{"detail":{"tags":[{"key":"k0","v":1},{"key":"k1"}],"requestParameters":[{"subnetId":"subnet-0"},{"subnetId":"subnet-1"}]}}`,
	// eventName absent.
	`{"source":"aws.ec2","detail":{"requestParameters":{"instanceType":"t3.micro","instancesSet":{"items":[{"instanceType":"t3.micro"}]},"clientToken":"a-1"}}}`,
	`{"detail":{"eventSource":"ec2.amazonaws.com","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}},"subnetId":"subnet-1","region":"us-east-1"}}}`,
	`{"detail":{"requestParameters":{},"userIdentity":{"type":"Root"}}}`,
	// eventName in an array, escaped, non-ASCII, of other types.
	`{"detail":{"eventName":["CreateTags","RunInstances"],"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":["CreateTags"],"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"}}}`,
	`{"detail":{"eventName":[],"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"Run\u0049nstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"event\u004eame":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"RunInstances","request\u0050arameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"CreateTags","request\u0050arameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"RunInstancés","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"RunInstances\u00e9","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"Ру́нИнстансес","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1}}}`,
	`{"detail":{"eventName":1,"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1}}}`,
	`{"detail":{"eventName":null,"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1}}}`,
	`{"detail":{"eventName":{"RunInstances":"RunInstances"},"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":true,"requestParameters":{"minCount":2}}}`,
	// requestParameters as an array of objects, a string, empty, null.
	`{"detail":{"eventName":"RunInstances","requestParameters":[{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},{"dryRun":true}]}}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":[{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},{"clientToken":"ab"}]}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":"instanceType t3.micro"}}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":"x"}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":"x"}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":{}}}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":{}}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":null}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":[]}}`,
	`{"detail":{"eventName":"RunInstances"}}`,
	// items with and without instanceType.
	`{"detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"imageId":"ami-1"},{"imageId":"ami-2","instanceType":"m5.large"}]}},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-9"}]}}}}`,
	`{"detail":{"eventName":"StartInstances","requestParameters":{"instancesSet":{"items":[{"imageId":"ami-1"},{}]}},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-9"}]}}}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[]}}}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[[{"instanceType":"t3.micro"}]]}}}}`,
	// detail an array of objects, each with eventName and requestParameters.
	`{"detail":[{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}},{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"m5.xlarge"}]}}}]}`,
	`{"detail":[{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"m5.xlarge"}]}}},{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}]}`,
	`{"detail":[{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}},{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}]}`,
	`{"detail":[{"eventName":"CreateTags"},{"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"}},{"eventName":"RunInstances"}]}`,
	`{"source":"aws.ec2","detail":[{"eventName":"CreateTags","requestParameters":{"dryRun":true}},{"eventName":"RunInstances","requestParameters":{"instanceType":"t3.micro"}}]}`,
	`{"source":["aws.s3","aws.ec2"],"detail":{"eventName":"CreateTags","requestParameters":{"instanceType":"t3.micro"}}}`,
	`{"source":["aws.ec2","aws.s3"],"detail":{"bucket":{"name":"b1"}}}`,
	`{"source":"aws.ec2","detail":{"bucket":{"name":"b1"},"eventName":"RunInstances"}}`,
	// deep requestParameters; strings with brackets and quotes inside it.
	`{"detail":{"eventName":"CreateTags","requestParameters":{"a":{"b":{"c":[[[{"d":"}]\"{["}]],{"e":[1,2,{"f":null}]}]}},"x":"}","y":"]","z":"\"}]","instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"PutObject","requestParameters":{"a":{"b":{"c":{"d":"}]\"{["}}},"x":"}"}}}`,
	`{"detail":{"eventName":"RunInstances","requestParameters":{"clientToken":"a\"}],{\\","a":{"b":{"c":{"d":"}]\"{["}}}},"eventSource":"ec2.amazonaws.com"}}`,
	`{"detail":{"eventName":"CreateTags","requestParameters":{"clientToken":"b\"}]\\\"","subnetId":"subnet-1\u0000"},"eventSource":"ec2.amazonaws.com"},"source":"aws.ec2"}`,
	`{"detail":{"eventName":"PutObject","requestParameters":{"a":{"b":[{"c":{"d":["x","}]\"{["]}}]}}}}`,
	// dotted top-level names, no detail object.
	`{"detail.eventName":"RunInstances","detail.requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}`,
	`{"detail.eventName":"CreateTags","detail.requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"}}`,
	`{"detail.requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"detail.eventName":"RunInstances"}`,
	`{"detail.eventName":"CreateTags","detail.requestParameters.instancesSet":{"items":[{"instanceType":"t3.micro"}]},"source":"aws.ec2"}`,
	`{"detail.eventName":"RunInstances","detail.requestParameters.instancesSet.items.instanceType":"t3.micro"}`,
	`{"detail.eventName":"CreateTags","detail.requestParameters.clientToken":"a2","detail.requestParameters.subnetId":"subnet-1"}`,
	// guard members spelled with dotted names inside detail.
	`{"detail":{"eventName":"RunInstances","requestParameters.instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}`,
	`{"detail":{"eventName":"CreateTags","requestParameters.instancesSet.items":[{"instanceType":"t3.micro"}],"requestParameters.subnetId":"subnet-1"}}`,
	`{"detail":{"userIdentity.type":"Root","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
	`{"detail":{"userIdentity.type":"IAMUser","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`,
}

// dsExpect are hand-worked answers of some rules (indexes into dsGuarded,
// then dsUnguarded) on some events, held on top of Explain in the machine
// of all rules: they keep the table honest should Match and Explain both
// go wrong.
var dsExpect = []struct {
	rule int
	ev   string
	want bool
}{
	{0, `{"detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`, true},
	{0, `{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`, false},
	{0, `{"detail":{"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"eventName":"RunInstances"}}`, true},
	{0, `{"detail":{"eventName":["CreateTags","RunInstances"],"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`, true},
	{0, `{"detail":{"eventName":"Run\u0049nstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`, true},
	{0, `{"detail":{"event\u004eame":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`, true},
	{0, `{"detail":{"eventName":"RunInstancés","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`, false},
	{0, `{"detail.eventName":"RunInstances","detail.requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}`, true},
	{0, `{"detail.requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"detail.eventName":"RunInstances"}`, true},
	{0, `{"detail":{"eventName":"RunInstances","requestParameters.instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}`, true},
	{0, `{"detail":{"eventName":"RunInstances","requestParameters":[{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},{"dryRun":true}]}}`, true},
	{1, `{"source":"aws.ec2","detail":{"eventName":"StartInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"m5.large"},{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"}}}`, true},
	{1, `{"source":"aws.ec2","detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1,"minCount":1,"clientToken":"abc"}}}`, false},
	{3, `{"detail":{"eventName":"CreateTags","requestParameters":{"instanceType":"t3.micro"}},"source":"aws.ec2"}`, true},
	{7, `{"detail":{"eventName":"RunInstancés","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`, true},
	{8, `{"source":"aws.ec2","detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1,"minCount":1}}}`, true},
	{8, `{"detail":{"eventName":1,"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1}}}`, true},
	{10, `{"detail":{"eventName":1,"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1}}}`, true},
	{11, `{"detail":{"eventName":"runINSTANCES","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}},"maxCount":1}}}`, true},
	{13, `{"detail":{"eventName":"RunInstances","requestParameters":{}}}`, true},
	{13, `{"detail":{"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"dryRun":true},"eventName":"RunInstances"}}`, false},
	{17, `{"detail":{"eventName":"RunInstances","requestParameters":"x"}}`, true},
	{18, `{"detail":{"eventName":"RunInstances"}}`, true},
	{18, `{"detail":{"eventName":"RunInstances","requestParameters":{}}}`, true}, // an object is no leaf
	{18, `{"detail":{"eventName":"RunInstances","requestParameters":"instanceType t3.micro"}}`, false},
	{17, `{"detail":{"eventName":"RunInstances","requestParameters":{}}}`, false},
	{17, `{"detail":{"eventName":"RunInstances","requestParameters":null}}`, true},
	// detail an array: a clause takes its leaves from one element.
	{0, `{"detail":[{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}},{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"m5.xlarge"}]}}}]}`, false},
	{0, `{"detail":[{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"m5.xlarge"}]}}},{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}]}`, false},
	{0, `{"detail":[{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}},{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}]}`, true},
	{0, `{"detail":[{"eventName":"CreateTags"},{"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"}},{"eventName":"RunInstances"}]}`, false},
	{3, `{"source":"aws.ec2","detail":[{"eventName":"CreateTags","requestParameters":{"dryRun":true}},{"eventName":"RunInstances","requestParameters":{"instanceType":"t3.micro"}}]}`, true},
	{0, `{"detail.eventName":"CreateTags","detail.requestParameters.instancesSet":{"items":[{"instanceType":"t3.micro"}]},"source":"aws.ec2"}`, false},
	{0, `{"detail.eventName":"RunInstances","detail.requestParameters.instancesSet.items.instanceType":"t3.micro"}`, true},
	{24, `{"detail":{"eventName":"PutObject","requestParameters":{"a":{"b":{"c":{"d":"}]\"{["}}},"x":"}"}}}`, true},
	{4, `{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"},"eventSource":"ec2.amazonaws.com"}}`, true},
	{16, `{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"},"eventSource":"ec2.amazonaws.com"}}`, true},
	{0, `{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"subnetId":"subnet-1"},"eventSource":"ec2.amazonaws.com"}}`, false},
	{6, `{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"userIdentity":{"type":"Root"},"eventVersion":1.08}}`, true},
	{19, `{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}},"userIdentity":{"type":"Root"},"eventVersion":1.08}}`, true},
	{19, `{"detail":{"eventName":"CreateTags","eventVersion":1.080,"requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`, true},
	{19, `{"detail":{"eventName":"CreateTags","eventVersion":108e-2,"requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`, true},
	{19, `{"detail":{"eventName":"CreateTags","eventVersion":"1.08","requestParameters":{"instancesSet":{"items":{"instanceType":"t3.micro"}}}}}`, false},
	{26, `{"detail":{"eventName":null,"requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1}}}`, true},
	{27, `{"detail":{"eventName":"","requestParameters":{"maxCount":1}}}`, true},
	{27, `{"detail":{"eventName":"","requestParameters":{"maxCount":2}}}`, false},
	{3, `{"source":["aws.s3","aws.ec2"],"detail":{"eventName":"CreateTags","requestParameters":{"instanceType":"t3.micro"}}}`, true},
	{25, `{"source":["aws.ec2","aws.s3"],"detail":{"bucket":{"name":"b1"}}}`, true},
	{25, `{"source":"aws.ec2","detail":{"bucket":{"name":"b1"},"eventName":"RunInstances"}}`, false},
	{28, `{"detail":{"tags":[{"key":"k0"},{"key":"k1"}],"requestParameters":{"subnetId":"subnet-1"}}}`, true},
	{28, `{"detail":{"tags":{"key":"k0"},"requestParameters":{"subnetId":"subnet-1"}}}`, false},
	{28, `{"detail":{"tags":[{"key":"k0"}],"requestParameters":{"subnetId":"subnet-1"}}}`, false},
	{28, `{"detail":{"tags":{"key":["k0","k1"]},"requestParameters":{"subnetId":"subnet-1"}}}`, true},
	{28, `{"detail":{"tags":[{"key":"k0","v":1},{"key":"k1"}],"requestParameters":[{"subnetId":"subnet-0"},{"subnetId":"subnet-1"}]}}`, true},
	{len(dsGuarded), `{"source":"aws.ec2","detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]},"maxCount":1,"minCount":1,"clientToken":"abc"}}}`, true},
	{len(dsGuarded), `{"detail.eventName":"CreateTags","detail.requestParameters.clientToken":"a2","detail.requestParameters.subnetId":"subnet-1"}`, true},
	{len(dsGuarded) + 1, `{"detail":{"eventName":"CreateTags","requestParameters.instancesSet.items":[{"instanceType":"t3.micro"}],"requestParameters.subnetId":"subnet-1"}}`, true},
}

// dsModes are the ways a machine decides: with anchor entries that test
// masks (a small machine's) or name their predicates (from the first
// predicate on: the marks of a large machine, fired.go), each in one
// pass and in two (needIDsFrom, decideInOnePass). The tests set them and
// restore the package's values.
var dsModes = []struct {
	name    string
	from    int32
	onePass int
}{
	{"masks-one-pass", 1 << 30, 1 << 30},
	{"masks-two-pass", 1 << 30, 0},
	{"marks-two-pass", 0, 0},
	{"marks-one-pass", 0, 1 << 30},
}

// dsID names rule i of dsGuarded then dsUnguarded.
func dsID(i int) ID { return ID(fmt.Sprint("r", i)) }

// dsCompile compiles src or fails the test.
func dsCompile(t *testing.T, src string) *compiler.Pattern {
	t.Helper()
	p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return p
}

// dsCheck matches every event on m with Match and MatchTrusted (the event
// first checked to meet the trusted contract), holds both to Explain for
// each pattern of ps and to each other (as sets, each id once), and
// counts for each id of ps the events it matched on.
func dsCheck(t *testing.T, what string, m *Machine, ps map[ID]*compiler.Pattern, events []string) map[ID]int {
	t.Helper()
	mt := m.NewMatcher()
	hits := map[ID]int{}
	dst := make([]ID, 0, 8)
	for _, ev := range events {
		dsPairs += len(ps)
		if err := m.CheckTrusted([]byte(ev)); err != nil {
			t.Fatalf("%s: test event outside the trusted contract: %s: %v", what, ev, err)
		}
		got, err := mt.Match(nil, []byte(ev))
		if err != nil {
			t.Fatalf("%s: Match(%s): %v", what, ev, err)
		}
		got = slices.Clone(got)
		dsAgree(t, what+" Match", got, ps, ev)
		gotT, err := mt.MatchTrusted(dst[:0], []byte(ev))
		if err != nil {
			t.Fatalf("%s: MatchTrusted(%s): %v", what, ev, err)
		}
		dsAgree(t, what+" MatchTrusted", gotT, ps, ev)
		a, b := slices.Clone(got), slices.Clone(gotT)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%s: %s: Match %v, MatchTrusted %v", what, ev, a, b)
		}
		if pooled, err := m.MatchTrusted([]byte(ev)); err != nil {
			t.Fatalf("%s: Machine.MatchTrusted(%s): %v", what, ev, err)
		} else if slices.Sort(pooled); !slices.Equal(pooled, b) {
			t.Errorf("%s: %s: Machine.MatchTrusted %v, Matcher.MatchTrusted %v", what, ev, pooled, b)
		}
		if len(slices.Compact(b)) != len(gotT) {
			t.Errorf("%s: %s: MatchTrusted names an id twice: %v", what, ev, gotT)
		}
		for _, id := range got {
			if _, ok := ps[id]; ok {
				hits[id]++
			}
		}
		dst = gotT
	}
	return hits
}

// dsExplained caches compiler.ExplainMatch's answers for the patterns of
// the machines that every step of dsChanges holds to it.
var (
	dsExplained = map[dsExplainKey]bool{}
	dsEventNo   = map[string]int{} // an event's number in dsExplained's keys
)

type dsExplainKey struct {
	p  *compiler.Pattern
	ev int
}

// dsAgree is agreeExplain (for a machine of one rule), or its equal with
// Explain's answers cached; ids may hold no id that ps lacks.
func dsAgree(t *testing.T, what string, ids []ID, ps map[ID]*compiler.Pattern, ev string) {
	t.Helper()
	for _, id := range ids {
		if _, ok := ps[id]; !ok {
			t.Errorf("%s: %s on %s: an id of no live rule", what, id, ev)
		}
	}
	if len(ps) == 1 {
		agreeExplain(t, what, ids, ps, ev)
		return
	}
	got := map[ID]bool{}
	for _, id := range ids {
		got[id] = true
	}
	no, ok := dsEventNo[ev]
	if !ok {
		no = len(dsEventNo)
		dsEventNo[ev] = no
	}
	for id, p := range ps {
		k := dsExplainKey{p, no}
		want, ok := dsExplained[k]
		if !ok {
			ex, err := compiler.ExplainMatch(p, []byte(ev))
			if err != nil {
				t.Fatal(err)
			}
			want = ex.Matched
			dsExplained[k] = want
		}
		if got[id] != want {
			t.Errorf("%s: %s on %s: got %v, Explain %v", what, id, ev, got[id], want)
		}
	}
}

// dsPairs counts the (rule, event) pairs dsCheck held to Explain, for
// the tests' logs.
var dsPairs int

// dsNotDegenerate fails when a rule of ps matched no event, or every
// event, so that each rule's answers could go wrong both ways.
func dsNotDegenerate(t *testing.T, what string, ps map[ID]*compiler.Pattern, hits map[ID]int, events int) {
	t.Helper()
	for id := range ps {
		if hits[id] == 0 || hits[id] == events {
			t.Errorf("%s: rule %s matched %d of %d events: degenerate", what, id, hits[id], events)
		}
	}
}

// dsAllRules is dsGuarded then dsUnguarded.
func dsAllRules() []string {
	return append(slices.Clone(dsGuarded), dsUnguarded...)
}

// TestDeadSubtreeAloneAndAll holds every rule alone and all together to
// Match and Explain on every event, in each mode; in the machine of all
// rules each rule must match some events and not others, and the
// hand-worked answers must hold.
func TestDeadSubtreeAloneAndAll(t *testing.T) {
	defer func(n int) { t.Logf("%d (rule, event) pairs, each on Match and MatchTrusted", dsPairs-n) }(dsPairs)
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	rules := dsAllRules()
	for mode := range dsModes {
		needIDsFrom, decideInOnePass = dsModes[mode].from, dsModes[mode].onePass
		machines := 0
		eachAloneAndAll(t, rules, func(m *Machine, ps map[ID]*compiler.Pattern) {
			machines++
			what := fmt.Sprintf("%s, %d rule(s)", dsModes[mode].name, len(ps))
			hits := dsCheck(t, what, m, ps, dsEvents)
			if len(ps) == len(rules) {
				dsNotDegenerate(t, what, ps, hits, len(dsEvents))
				mt := m.NewMatcher()
				for _, x := range dsExpect {
					for _, trusted := range []bool{false, true} {
						got, err := matchPath(mt, trusted, x.ev)
						if err != nil {
							t.Fatal(err)
						}
						if slices.Contains(got, dsID(x.rule)) != x.want {
							t.Errorf("%s, trusted %v: rule %d on %s: got %v, want %v", what, trusted, x.rule, x.ev, !x.want, x.want)
						}
					}
				}
			}
		})
		if machines != len(rules)+1 {
			t.Fatalf("%d machines, want %d", machines, len(rules)+1)
		}
	}
}

// TestDeadSubtreeExpectInEvents checks that every hand-worked event is
// among dsEvents and names a rule, so that the tables stay one.
func TestDeadSubtreeExpectInEvents(t *testing.T) {
	for _, x := range dsExpect {
		if !slices.Contains(dsEvents, x.ev) {
			t.Errorf("hand-worked event not in dsEvents: %s", x.ev)
		}
		if x.rule < 0 || x.rule >= len(dsGuarded)+len(dsUnguarded) {
			t.Errorf("hand-worked rule %d out of range", x.rule)
		}
	}
}

// dsChanges builds a machine of the guarded rules beside extra (filler
// rules), with Add one rule at a time (the guarded rules first) or with
// one AddAll, then changes it, holding it to Match and Explain on events
// after each step: the unguarded rules added after the guarded ones, then
// deleted; a guarded rule replaced by an unguarded one and back; the
// guarded rules deleted one by one (an unguarded rule added halfway); a
// guarded rule added back and the unguarded one deleted. check gets the
// machine as built and what each rule matched on events then. It returns
// the number of steps checked.
func dsChanges(t *testing.T, name string, addAll bool, extra map[ID]*compiler.Pattern, events []string, check func(*Machine, map[ID]int)) int {
	t.Helper()
	m := New(Config{})
	live := map[ID]*compiler.Pattern{}
	var ids []ID
	var ps []*compiler.Pattern
	for i, r := range dsGuarded {
		p := dsCompile(t, r)
		live[dsID(i)] = p
		ids, ps = append(ids, dsID(i)), append(ps, p)
	}
	var fillers []ID
	for id := range extra {
		fillers = append(fillers, id)
	}
	slices.Sort(fillers) // a fixed order
	for _, id := range fillers {
		ids, ps = append(ids, id), append(ps, extra[id])
	}
	if addAll {
		if err := m.AddAll(ids, ps); err != nil {
			t.Fatal(err)
		}
	} else {
		for i := range ids {
			if err := m.Add(ids[i], ps[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := 0
	step := func(what string) map[ID]int {
		t.Helper()
		steps++
		if n := m.Len(); n != len(live)+len(extra) {
			t.Fatalf("%s: %s: machine holds %d rules, want %d", name, what, n, len(live)+len(extra))
		}
		return dsCheck(t, name+": "+what, m, maps2(live, extra), events)
	}
	hits := step("built")
	if check != nil {
		check(m, hits)
	}
	// The unguarded rules, added after the guarded ones, then deleted.
	for k, r := range dsUnguarded {
		id := dsID(len(dsGuarded) + k)
		p := dsCompile(t, r)
		if err := m.Add(id, p); err != nil {
			t.Fatal(err)
		}
		live[id] = p
		step(fmt.Sprintf("unguarded %s added", id))
	}
	for k := range dsUnguarded {
		id := dsID(len(dsGuarded) + k)
		if !m.Delete(id) {
			t.Fatalf("%s: %s not deleted", name, id)
		}
		delete(live, id)
		step(fmt.Sprintf("unguarded %s deleted", id))
	}
	// A guarded rule replaced by an unguarded one, and back.
	p0 := live[dsID(0)]
	u := dsCompile(t, dsUnguarded[0])
	if err := m.Add(dsID(0), u); err != nil {
		t.Fatal(err)
	}
	live[dsID(0)] = u
	step("r0 replaced by an unguarded rule")
	if err := m.Add(dsID(0), p0); err != nil {
		t.Fatal(err)
	}
	live[dsID(0)] = p0
	step("r0 put back")
	// The guarded rules deleted one by one, with an unguarded rule
	// among them halfway.
	for i := range dsGuarded {
		if i == len(dsGuarded)/2 {
			id := dsID(len(dsGuarded))
			if err := m.Add(id, u); err != nil {
				t.Fatal(err)
			}
			live[id] = u
			step("unguarded added halfway")
		}
		if !m.Delete(dsID(i)) {
			t.Fatalf("%s: r%d not deleted", name, i)
		}
		delete(live, dsID(i))
		step(fmt.Sprintf("r%d deleted", i))
	}
	// Only the unguarded rule is left (with extra); then a guarded rule
	// is added back beside it, and the unguarded one deleted.
	if err := m.Add(dsID(0), p0); err != nil {
		t.Fatal(err)
	}
	live[dsID(0)] = p0
	step("r0 added back")
	if !m.Delete(dsID(len(dsGuarded))) {
		t.Fatalf("%s: unguarded rule not deleted", name)
	}
	delete(live, dsID(len(dsGuarded)))
	step("only r0 left")
	return steps
}

// maps2 is the union of a and b.
func maps2(a, b map[ID]*compiler.Pattern) map[ID]*compiler.Pattern {
	u := make(map[ID]*compiler.Pattern, len(a)+len(b))
	for id, p := range a {
		u[id] = p
	}
	for id, p := range b {
		u[id] = p
	}
	return u
}

// TestDeadSubtreeChanges builds the machine of the guarded rules with Add
// one rule at a time and with AddAll, and changes it (dsChanges), in
// each mode.
func TestDeadSubtreeChanges(t *testing.T) {
	defer func(n int) { t.Logf("%d (rule, event) pairs, each on Match and MatchTrusted", dsPairs-n) }(dsPairs)
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	for mode := range dsModes {
		needIDsFrom, decideInOnePass = dsModes[mode].from, dsModes[mode].onePass
		for _, addAll := range []bool{false, true} {
			name := fmt.Sprintf("%s, AddAll %v", dsModes[mode].name, addAll)
			steps := dsChanges(t, name, addAll, nil, dsEvents, func(m *Machine, hits map[ID]int) {
				if wantMarks := dsModes[mode].from == 0; m.needIDs != wantMarks {
					t.Errorf("%s: needIDs %v, want %v", name, m.needIDs, wantMarks)
				}
				live := map[ID]*compiler.Pattern{}
				for i := range dsGuarded {
					live[dsID(i)] = nil
				}
				dsNotDegenerate(t, name, live, hits, len(dsEvents))
			})
			if want := 2*len(dsUnguarded) + len(dsGuarded) + 6; steps != want {
				t.Errorf("%s: %d steps, want %d", name, steps, want)
			}
		}
	}
}

// dsFillers are n rules that make a machine large by its own count of
// predicates, past needIDsFrom and decideInOnePass at their defaults: a
// third guarded for detail.requestParameters by detail.eventName, a third
// guarded for it by source, a third on detail-type alone.
func dsFillers(t *testing.T, n int) map[ID]*compiler.Pattern {
	t.Helper()
	f := map[ID]*compiler.Pattern{}
	for i := 0; i < n; i++ {
		var src string
		switch i % 3 {
		case 0:
			src = fmt.Sprintf(`{"detail":{"eventName":["Filler%d"],"requestParameters":{"filler":["v%d"]}}}`, i, i)
		case 1:
			src = fmt.Sprintf(`{"source":["filler.%d"],"detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":["t%d.micro"]}}}}}`, i, i)
		default:
			src = fmt.Sprintf(`{"detail-type":["filler %d"],"detail":{"eventName":["RunInstances"]}}`, i)
		}
		f[ID(fmt.Sprint("f", i))] = dsCompile(t, src)
	}
	return f
}

// dsFillerEvents are events some fillers match, beside the guarded
// member.
var dsFillerEvents = []string{
	`{"detail":{"eventName":"Filler3","requestParameters":{"filler":"v3","instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail":{"eventName":"Filler3","requestParameters":{"filler":"v6"}}}`,
	`{"detail":{"requestParameters":{"filler":"v3"},"eventName":"Filler3"}}`,
	`{"source":"filler.4","detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t4.micro"}]}}}}`,
	`{"source":"filler.4","detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t7.micro"}]}}}}`,
	`{"detail-type":"filler 5","source":"aws.ec2","detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`,
	`{"detail-type":"filler 5","detail":{"eventName":["Filler3","RunInstances"],"requestParameters":{"filler":"v3"}}}`,
}

// TestDeadSubtreeLargeMachine runs dsChanges on a machine that is large
// by its own size (filler rules past needIDsFrom and decideInOnePass at
// their defaults, so it decides with marks), built with Add and with
// AddAll; the filler rules are held to Explain too, on events some of
// them match.
func TestDeadSubtreeLargeMachine(t *testing.T) {
	defer func(n int) { t.Logf("%d (rule, event) pairs, each on Match and MatchTrusted", dsPairs-n) }(dsPairs)
	const n = 1200
	fillers := dsFillers(t, n)
	events := append(slices.Clone(dsEvents), dsFillerEvents...)
	for _, addAll := range []bool{false, true} {
		name := fmt.Sprintf("large, AddAll %v", addAll)
		dsChanges(t, name, addAll, fillers, events, func(m *Machine, hits map[ID]int) {
			if !m.needIDs {
				t.Fatalf("%s: the machine does not decide with marks (needIDs): make it larger", name)
			}
			if len(m.preds) <= decideInOnePass {
				t.Fatalf("%s: %d predicates, not past decideInOnePass %d", name, len(m.preds), decideInOnePass)
			}
			for _, id := range []ID{"f3", "f4", "f5", "r0", "r1", "r3"} {
				if hits[id] == 0 {
					t.Errorf("%s: %s matched no event", name, id)
				}
			}
		})
	}
}
