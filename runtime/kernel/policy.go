package kernel

import (
	"encoding/json"
	"strings"
)

// PolicyAllows reports whether a resource policy (IAM JSON: a Statement
// list, or one Statement object) has an Allow statement for account
// (by id, by its root ARN, or "*") covering action ("*", the action
// itself, or service:*; matched without regard to case, as IAM does).
// A policy that is empty or not JSON allows nothing. Bus policies
// (events:PutEvents) and topic policies (SNS:Publish, …) are both
// checked here.
func PolicyAllows(policy, account, action string) bool {
	if policy == "" {
		return false
	}
	var doc struct{ Statement json.RawMessage }
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	type statement struct {
		Effect    string
		Principal json.RawMessage
		Action    json.RawMessage
	}
	var sts []statement
	if json.Unmarshal(doc.Statement, &sts) != nil {
		var one statement
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		sts = append(sts, one)
	}
	service, _, _ := strings.Cut(action, ":")
	for _, st := range sts {
		if st.Effect == "Allow" && grantsAction(st.Action, service, action) && grantsPrincipal(st.Principal, account) {
			return true
		}
	}
	return false
}

func grantsAction(raw json.RawMessage, service, action string) bool {
	for _, a := range policyStrings(raw) {
		if a == "*" || strings.EqualFold(a, action) || strings.EqualFold(a, service+":*") {
			return true
		}
	}
	return false
}

// grantsPrincipal: Principal is "*", a string or list, or {"AWS": …}.
func grantsPrincipal(raw json.RawMessage, account string) bool {
	names := policyStrings(raw)
	var obj struct{ AWS json.RawMessage }
	if len(names) == 0 && json.Unmarshal(raw, &obj) == nil {
		names = policyStrings(obj.AWS)
	}
	for _, p := range names {
		if p == "*" || p == account || p == "arn:aws:iam::"+account+":root" {
			return true
		}
	}
	return false
}

// policyStrings reads a policy value that is a string or a list of
// strings.
func policyStrings(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}
