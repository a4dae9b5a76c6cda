package kernel

import "testing"

func TestPolicyAllows(t *testing.T) {
	const acct = "111111111111"
	for _, tc := range []struct {
		name, policy, action string
		want                 bool
	}{
		{"empty", ``, "events:PutEvents", false},
		{"not json", `{`, "events:PutEvents", false},
		{"no statement", `{"Version":"2012-10-17"}`, "events:PutEvents", false},
		{"allow account id", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"events:PutEvents"}]}`, "events:PutEvents", true},
		{"allow root arn", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root"]},"Action":["events:PutEvents"]}]}`, "events:PutEvents", true},
		{"allow everyone", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]}`, "SNS:Publish", true},
		{"one statement object", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"SNS:Publish"}}`, "SNS:Publish", true},
		{"service wildcard", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:*"}]}`, "SNS:Subscribe", true},
		{"action case", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:publish"}]}`, "SNS:Publish", true},
		{"other action", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"SNS:Subscribe"}]}`, "SNS:Publish", false},
		{"other account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"*"}]}`, "SNS:Publish", false},
		{"deny", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}`, "SNS:Publish", false},
		{"statement not an object", `{"Statement":7}`, "SNS:Publish", false},
	} {
		if got := PolicyAllows(tc.policy, acct, tc.action); got != tc.want {
			t.Errorf("%s: PolicyAllows = %v, want %v", tc.name, got, tc.want)
		}
	}
}
