package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/pipes"
)

// The pipes adapter: Pipes' restJson1 operations over runtime/pipes.
func init() {
	restServices["pipes"] = &restService{name: "pipes", writeError: writeRestJSONError, routes: []restRoute{
		{"POST", "/v1/pipes/{}", "CreatePipe", pipesCreate},
		{"GET", "/v1/pipes/{}", "DescribePipe", pipesDescribe},
		{"PUT", "/v1/pipes/{}", "UpdatePipe", pipesUpdate},
		{"DELETE", "/v1/pipes/{}", "DeletePipe", pipesDelete},
		{"GET", "/v1/pipes", "ListPipes", pipesList},
		{"POST", "/v1/pipes/{}/start", "StartPipe", pipesStart},
		{"POST", "/v1/pipes/{}/stop", "StopPipe", pipesStop},
		{"POST", "/tags/{}", "TagResource", pipesTag},
		{"DELETE", "/tags/{}", "UntagResource", pipesUntag},
		{"GET", "/tags/{}", "ListTagsForResource", pipesListTags},
	}}
}

// pipeState is the answer of Create, Update, Start, Stop and Delete.
func pipeState(p pipes.Pipe) map[string]any {
	return map[string]any{"Arn": p.Arn, "Name": p.Name, "DesiredState": p.DesiredState, "CurrentState": p.CurrentState,
		"CreationTime": epochOf(p.CreationTime), "LastModifiedTime": epochOf(p.LastModifiedTime)}
}

func pipeSpec(c *restCall) (*pipes.Spec, error) {
	sp, err := decodeRest[pipes.Spec](c)
	if err != nil {
		return nil, err
	}
	sp.Name = c.params[0]
	return sp, nil
}

func pipesCreate(ctx context.Context, c *restCall) (int, any, error) {
	sp, err := pipeSpec(c)
	if err != nil {
		return 0, nil, err
	}
	p, err := c.acct.rt.Pipes.Create(ctx, *sp)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pipeState(p), nil
}

func pipesDescribe(ctx context.Context, c *restCall) (int, any, error) {
	p, err := c.acct.rt.Pipes.Describe(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	out := pipeState(p)
	out["Description"] = omit(p.Description)
	out["StateReason"] = omit(p.StateReason)
	out["Source"], out["Target"], out["RoleArn"] = p.Source, p.Target, p.RoleArn
	out["Enrichment"] = omit(p.Enrichment)
	if p.SourceParameters != nil {
		out["SourceParameters"] = p.SourceParameters
	}
	if p.EnrichmentParameters != nil {
		out["EnrichmentParameters"] = p.EnrichmentParameters
	}
	if p.TargetParameters != nil {
		out["TargetParameters"] = p.TargetParameters
	}
	tags := p.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	out["Tags"] = tags
	return http.StatusOK, out, nil
}

func pipesUpdate(ctx context.Context, c *restCall) (int, any, error) {
	sp, err := pipeSpec(c)
	if err != nil {
		return 0, nil, err
	}
	if sp.RoleArn == "" {
		return 0, nil, kernel.Validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	p, err := c.acct.rt.Pipes.Update(ctx, *sp)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pipeState(p), nil
}

func pipesDelete(ctx context.Context, c *restCall) (int, any, error) {
	p, err := c.acct.rt.Pipes.Delete(ctx, c.params[0])
	if err != nil {
		return 0, nil, err
	}
	out := pipeState(p)
	delete(out, "CreationTime")
	return http.StatusOK, out, nil
}

func pipesStart(ctx context.Context, c *restCall) (int, any, error) {
	p, err := c.acct.rt.Pipes.Start(ctx, c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pipeState(p), nil
}

func pipesStop(ctx context.Context, c *restCall) (int, any, error) {
	p, err := c.acct.rt.Pipes.Stop(ctx, c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pipeState(p), nil
}

// pipesList is ListPipes with its filters (NamePrefix, DesiredState,
// CurrentState, SourcePrefix, TargetPrefix) and pagination (Limit ≤ 100).
func pipesList(ctx context.Context, c *restCall) (int, any, error) {
	q := c.query
	limit, err := intParam(q, "Limit")
	if err != nil {
		return 0, nil, err
	}
	if limit > 100 {
		return 0, nil, kernel.Validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", limit)
	}
	byName := map[string]pipes.Pipe{}
	var names []string
	for _, p := range c.acct.rt.Pipes.List() {
		if !strings.HasPrefix(p.Name, q.Get("NamePrefix")) || !strings.HasPrefix(p.Source, q.Get("SourcePrefix")) ||
			!strings.HasPrefix(p.Target, q.Get("TargetPrefix")) {
			continue
		}
		if v := q.Get("DesiredState"); v != "" && p.DesiredState != v {
			continue
		}
		if v := q.Get("CurrentState"); v != "" && p.CurrentState != v {
			continue
		}
		byName[p.Name] = p
		names = append(names, p.Name)
	}
	picked, next, err := page(names, q.Get("NextToken"), limit, 100)
	if err != nil {
		return 0, nil, kernel.Validation("The NextToken is not valid.")
	}
	list := []any{}
	for _, n := range picked {
		p := byName[n]
		item := pipeState(p)
		item["Source"], item["Target"] = p.Source, p.Target
		item["Enrichment"] = omit(p.Enrichment)
		item["StateReason"] = omit(p.StateReason)
		list = append(list, item)
	}
	out := map[string]any{"Pipes": list}
	if next != "" {
		out["NextToken"] = next
	}
	return http.StatusOK, out, nil
}

func pipesTag(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[struct{ Tags map[string]string }](c)
	if err != nil {
		return 0, nil, err
	}
	if len(in.Tags) == 0 {
		return 0, nil, kernel.Validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	return http.StatusOK, map[string]any{}, c.acct.rt.Pipes.Tag(ctx, c.params[0], in.Tags)
}

func pipesUntag(ctx context.Context, c *restCall) (int, any, error) {
	keys := c.query["tagKeys"]
	if len(keys) == 0 {
		return 0, nil, kernel.Validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	return http.StatusOK, map[string]any{}, c.acct.rt.Pipes.Untag(ctx, c.params[0], keys)
}

func pipesListTags(ctx context.Context, c *restCall) (int, any, error) {
	t, err := c.acct.rt.Pipes.Tags(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"tags": t}, nil
}
