package pipes

import (
	"regexp"
	"strings"
	"time"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/kernel"
)

// The desired states a caller asks for, and the states a pipe reports
// [AWS Pipes PipeState]: a request leaves the pipe in a transitional state
// (CREATING, STARTING, STOPPING, UPDATING, DELETING) that Run settles.
const (
	Running  = "RUNNING"
	Stopped  = "STOPPED"
	Creating = "CREATING"
	Starting = "STARTING"
	Stopping = "STOPPING"
	Updating = "UPDATING"
	Deleting = "DELETING"
)

// Spec is what a caller sets on a pipe, in the Pipes API's member names.
type Spec struct {
	Name                 string
	Description          string                `json:",omitempty"`
	DesiredState         string                `json:",omitempty"`
	Source               string                `json:",omitempty"`
	SourceParameters     *SourceParameters     `json:",omitempty"`
	Enrichment           string                `json:",omitempty"`
	EnrichmentParameters *EnrichmentParameters `json:",omitempty"`
	Target               string                `json:",omitempty"`
	TargetParameters     *TargetParameters     `json:",omitempty"`
	RoleArn              string                `json:",omitempty"`
	Tags                 map[string]string     `json:",omitempty"`
}

// SourceParameters are the source's settings: a filter and, for a queue,
// batching.
type SourceParameters struct {
	FilterCriteria     *FilterCriteria     `json:",omitempty"`
	SqsQueueParameters *SqsQueueParameters `json:",omitempty"`
}

// FilterCriteria holds up to five event patterns; a record passes when
// any matches.
type FilterCriteria struct {
	Filters []Filter
}

// Filter is one event pattern over the record envelope.
type Filter struct {
	Pattern string
}

// SqsQueueParameters batch a queue source [AWS: BatchSize 1–10 000,
// default 10; MaximumBatchingWindowInSeconds 0–300].
type SqsQueueParameters struct {
	BatchSize                      *int `json:",omitempty"`
	MaximumBatchingWindowInSeconds *int `json:",omitempty"`
}

// EnrichmentParameters shape what the enrichment receives.
type EnrichmentParameters struct {
	InputTemplate string `json:",omitempty"`
}

// TargetParameters shape what the target receives.
type TargetParameters struct {
	InputTemplate                 string                         `json:",omitempty"`
	EventBridgeEventBusParameters *EventBridgeEventBusParameters `json:",omitempty"`
	SqsQueueParameters            *TargetSqsQueueParameters      `json:",omitempty"`
	LambdaFunctionParameters      *LambdaFunctionParameters      `json:",omitempty"`
	CloudWatchLogsParameters      *CloudWatchLogsParameters      `json:",omitempty"`
}

// EventBridgeEventBusParameters name the events a bus target receives.
type EventBridgeEventBusParameters struct {
	DetailType string   `json:",omitempty"`
	Source     string   `json:",omitempty"`
	Resources  []string `json:",omitempty"`
}

// TargetSqsQueueParameters are a FIFO queue target's group and dedup ids.
type TargetSqsQueueParameters struct {
	MessageGroupId         string `json:",omitempty"`
	MessageDeduplicationId string `json:",omitempty"`
}

// LambdaFunctionParameters: REQUEST_RESPONSE or FIRE_AND_FORGET (both
// hand the batch to the function's asynchronous queue here).
type LambdaFunctionParameters struct {
	InvocationType string `json:",omitempty"`
}

// CloudWatchLogsParameters name the log stream of a log-group target.
type CloudWatchLogsParameters struct {
	LogStreamName string `json:",omitempty"`
}

// Pipe is a pipe as Describe reports it.
type Pipe struct {
	Spec
	Arn              string
	CurrentState     string
	StateReason      string `json:",omitempty"`
	CreationTime     time.Time
	LastModifiedTime time.Time
	// FeedQueue is the internal queue a pipe from a topic or a bus reads
	// (FeedHandle: its subscription or managed rule); empty for a queue
	// source.
	FeedQueue  string `json:",omitempty"`
	FeedHandle string `json:",omitempty"`
}

// queue is the queue the pipe reads.
func (p *Pipe) queue() string {
	if p.FeedQueue != "" {
		return p.FeedQueue
	}
	return p.Source
}

var nameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)

// validation is the Pipes API's ValidationException.
func validation(format string, args ...any) *kernel.Error {
	return kernel.Validation(format, args...)
}

// batchSize is the source's batch size (default 10; at most 10 for a
// queue whose records this runtime receives ten at a time per call, any
// larger size gathered over several receives).
func (sp *Spec) batchSize() int {
	if p := sp.SourceParameters; p != nil && p.SqsQueueParameters != nil && p.SqsQueueParameters.BatchSize != nil {
		return *p.SqsQueueParameters.BatchSize
	}
	return 10
}

func (sp *Spec) batchWindow() time.Duration {
	if p := sp.SourceParameters; p != nil && p.SqsQueueParameters != nil && p.SqsQueueParameters.MaximumBatchingWindowInSeconds != nil {
		return time.Duration(*p.SqsQueueParameters.MaximumBatchingWindowInSeconds) * time.Second
	}
	return 0
}

// check validates a spec the way CreatePipe and UpdatePipe do: names,
// ARNs, batching bounds, filters (the operators Pipes documents) and
// templates.
func (sp *Spec) check() error {
	if !nameRE.MatchString(sp.Name) {
		return validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", sp.Name)
	}
	if len(sp.Description) > 512 {
		return validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 512")
	}
	switch sp.DesiredState {
	case "", Running, Stopped:
	default:
		return validation("1 validation error detected: Value '%s' at 'desiredState' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, STOPPED]", sp.DesiredState)
	}
	if sp.RoleArn == "" {
		return validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	for _, f := range []struct{ name, arn string }{{"source", sp.Source}, {"target", sp.Target}} {
		if _, err := kernel.ParseARN(f.arn); err != nil {
			return validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-]+):...", f.arn, f.name)
		}
	}
	if sp.Enrichment != "" {
		if _, err := kernel.ParseARN(sp.Enrichment); err != nil {
			return validation("1 validation error detected: Value '%s' at 'enrichment' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:...", sp.Enrichment)
		}
	}
	if n := sp.batchSize(); n < 1 || n > 10000 {
		return validation("1 validation error detected: Value '%d' at 'sourceParameters.sqsQueueParameters.batchSize' failed to satisfy constraint: Member must have value between 1 and 10000", n)
	}
	if w := sp.batchWindow(); w < 0 || w > 300*time.Second {
		return validation("1 validation error detected: Value '%d' at 'sourceParameters.sqsQueueParameters.maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value between 0 and 300", int(w/time.Second))
	}
	if _, err := compileFilters(sp.SourceParameters); err != nil {
		return err
	}
	if p := sp.EnrichmentParameters; p != nil {
		if err := checkTemplate("enrichmentParameters.inputTemplate", p.InputTemplate); err != nil {
			return err
		}
	}
	if p := sp.TargetParameters; p != nil {
		if err := checkTemplate("targetParameters.inputTemplate", p.InputTemplate); err != nil {
			return err
		}
	}
	return nil
}

// checkTemplate accepts a template whose placeholders are JSON paths
// ("<$.body.id>") or the predefined aws.pipes names.
func checkTemplate(field, tpl string) error {
	if len(tpl) > 8192 {
		return validation("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to 8192", field)
	}
	for _, name := range events.Placeholders(tpl) {
		if predefined[name] {
			continue
		}
		if !strings.HasPrefix(name, "$") || !events.ValidPath(name) {
			return validation("Invalid InputTemplate at %s: placeholder <%s> is neither a JSON path nor a predefined variable.", field, name)
		}
	}
	return nil
}

// undocumented says which operator of a filter Pipes does not document
// (the lint rules for Pipes filters), or "".
func undocumented(p *compiler.Pattern) string {
	for _, cl := range p.Clauses {
		for _, f := range cl.Fields {
			for _, c := range f.Conds {
				switch {
				case c.Op == compiler.OpWildcard:
					return "wildcard"
				case c.Op == compiler.OpCIDR && !c.Prefix.IsSingleIP():
					return "cidr"
				case c.Op == compiler.OpAnythingBut && c.Exclude.Op == compiler.OpWildcard:
					return "anything-but wildcard"
				case (c.Op == compiler.OpPrefix || c.Op == compiler.OpSuffix) && c.IgnoreCase:
					return "prefix/suffix equals-ignore-case"
				}
			}
		}
	}
	return ""
}
