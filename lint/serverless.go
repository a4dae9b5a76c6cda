package lint

import (
	"fmt"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// lintServerless finds the patterns of a Serverless Framework file
// (serverless.yml): the CloudFormation of resources.Resources, and the
// function events eventBridge.pattern, cloudwatchEvent.event,
// sns.filterPolicy (+ filterPolicyScope), and sqs/stream filterPatterns.
// A whole value written as a Serverless variable (${self:custom.x},
// ${param:y}) is computed, as an intrinsic is.
func lintServerless(fr *fileResult, dc *doc) {
	dc.variables = true
	computed := dc.computed
	lintTemplate(fr, dc, member(member(dc.root, "resources"), "Resources"), "resources.Resources.")
	fns := member(dc.root, "functions")
	if fns == nil || fns.Kind != source.Object {
		return
	}
	for _, fn := range fns.Members {
		events := member(fn.Value, "events")
		if events == nil || events.Kind != source.Array {
			continue
		}
		for i, e := range events.Elems {
			if e.Kind != source.Object || len(e.Members) == 0 {
				continue
			}
			kind, ev := e.Members[0].Key, e.Members[0].Value
			where := fmt.Sprintf("functions.%s.events[%d].%s.", fn.Key, i, kind)
			name := fmt.Sprintf("%s.events[%d]", fn.Key, i)
			check := func(p *source.Value, s site) {
				if n, ok := computed(p); ok {
					fr.addAt(p.Pos, compiler.SeverityInfo, CodeUnchecked, s.where, "left unchecked: the pattern is %s", n)
					return
				}
				if p.Kind == source.Object {
					fr.checkPattern(p, s, computed)
					return
				}
				patternAt(fr, dc, p, s)
			}
			switch kind {
			case "eventBridge":
				if p := member(ev, "pattern"); p != nil {
					check(p, site{name, where + "pattern", TargetBus, compiler.EventBridge, ""})
				}
			case "cloudwatchEvent":
				if p := member(ev, "event"); p != nil {
					check(p, site{name, where + "event", TargetBus, compiler.EventBridge, ""})
				}
			case "sns":
				p := member(ev, "filterPolicy")
				if p == nil {
					continue
				}
				d := compiler.SNSAttributes
				if scope := member(ev, "filterPolicyScope"); scope != nil && scope.Kind == source.String {
					var err error
					if d, err = compiler.ParseDialect("sns", scope.Text); err != nil {
						fr.addAt(scope.Pos, compiler.SeverityError, "E000", where+"filterPolicyScope", "%v", err)
						continue
					}
				}
				check(p, site{name, where + "filterPolicy", TargetSNS, d, ""})
			case "sqs", "stream", "kafka", "msk", "activemq", "rabbitmq":
				list := member(ev, "filterPatterns")
				if list == nil || list.Kind != source.Array {
					continue
				}
				for k, p := range list.Elems {
					check(p, site{fmt.Sprintf("%s.filterPatterns[%d]", name, k), fmt.Sprintf("%sfilterPatterns[%d]", where, k), TargetESM, compiler.EventBridge, ""})
				}
			}
		}
	}
}
