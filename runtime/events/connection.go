package events

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/patternc/patternc/runtime/store"
)

// Connection holds the authorization of API destinations [AWS]: each
// request to an API destination that names it carries its BASIC or
// API_KEY credentials, or a client-credentials OAuth token, and its
// InvocationHttpParameters headers and query parameters (connauth.go).
type Connection struct {
	Name              string
	ConnectionArn     string
	AuthorizationType string
	// AuthParameters is the request's AuthParameters, as JSON; secrets in
	// it are never returned by Describe.
	AuthParameters   json.RawMessage `json:",omitempty"`
	Description      string          `json:",omitempty"`
	ConnectionState  string
	CreationTime     time.Time
	LastModifiedTime time.Time
}

// Connections live in their own bucket, read from the store on each call:
// they are rarely used and never on a hot path.
const connBucket = "events-connections"

// CreateConnection stores a connection and returns it.
func (s *Service) CreateConnection(ctx context.Context, c Connection) (*Connection, error) {
	if !ruleNameRE.MatchString(c.Name) {
		return nil, validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", c.Name)
	}
	switch c.AuthorizationType {
	case "BASIC", "OAUTH_CLIENT_CREDENTIALS", "API_KEY":
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]", c.AuthorizationType)
	}
	if _, err := s.DescribeConnection(ctx, c.Name); err == nil {
		return nil, apiErr("ResourceAlreadyExistsException", "Connection %s already exists.", c.Name)
	}
	now := s.env.Clock.Now().UTC()
	c.ConnectionArn = s.env.ARN("events", "connection/"+c.Name+"/"+uuid.NewString()).String()
	c.ConnectionState = "AUTHORIZED"
	c.CreationTime, c.LastModifiedTime = now, now
	val, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var b store.Batch
	b.Put(connBucket, []byte(c.Name), val)
	if err := s.apply(ctx, &b); err != nil {
		return nil, err
	}
	return &c, nil
}

// DescribeConnection returns a connection.
func (s *Service) DescribeConnection(ctx context.Context, name string) (Connection, error) {
	val, err := s.env.Store.Get(ctx, connBucket, []byte(name))
	if errors.Is(err, store.ErrNotFound) {
		return Connection{}, notFound("Failed to describe the connection(s). Connection '%s' does not exist.", name)
	}
	if err != nil {
		return Connection{}, err
	}
	var c Connection
	return c, json.Unmarshal(val, &c)
}

// ListConnections returns the connections, by name.
func (s *Service) ListConnections(ctx context.Context) ([]Connection, error) {
	var out []Connection
	var bad error
	err := s.env.Store.Scan(ctx, connBucket, nil, nil, func(k, v []byte) bool {
		var c Connection
		if bad = json.Unmarshal(v, &c); bad != nil {
			return false
		}
		out = append(out, c)
		return true
	})
	if err == nil {
		err = bad
	}
	return out, err
}

// DeleteConnection removes a connection and returns it as it was.
func (s *Service) DeleteConnection(ctx context.Context, name string) (Connection, error) {
	c, err := s.DescribeConnection(ctx, name)
	if err != nil {
		return c, err
	}
	var b store.Batch
	b.Delete(connBucket, []byte(name))
	c.ConnectionState = "DELETING"
	return c, s.apply(ctx, &b)
}

// PutAPIDestination creates an API destination with all its fields; the
// connection must exist.
func (s *Service) PutAPIDestination(ctx context.Context, d APIDestination) (*APIDestination, error) {
	connName := d.ConnectionArn
	if i := strings.Index(connName, ":connection/"); i >= 0 {
		connName = connName[i+len(":connection/"):]
		connName, _, _ = strings.Cut(connName, "/")
	}
	if _, err := s.DescribeConnection(ctx, connName); err != nil {
		return nil, notFound("Connection '%s' does not exist.", connName)
	}
	s.mu.RLock()
	_, dup := s.dests[d.Name]
	s.mu.RUnlock()
	if dup {
		return nil, apiErr("ResourceAlreadyExistsException", "An api-destination '%s' already exists.", d.Name)
	}
	if _, err := s.CreateAPIDestination(ctx, d.Name, d.Method, d.URL); err != nil {
		return nil, err
	}
	s.mu.Lock()
	cur := s.dests[d.Name]
	cur.ConnectionArn, cur.Description, cur.InvocationRateLimitPerSecond = d.ConnectionArn, d.Description, d.InvocationRateLimitPerSecond
	cur.CreationTime = s.env.Clock.Now().UTC()
	cp := *cur
	val, _ := json.Marshal(cur)
	s.mu.Unlock()
	var b store.Batch
	b.Put(configBucket, []byte("dest/"+d.Name), val)
	return &cp, s.apply(ctx, &b)
}

// DescribeAPIDestination returns an API destination.
func (s *Service) DescribeAPIDestination(name string) (APIDestination, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.dests[name]
	if !ok {
		return APIDestination{}, notFound("Failed to describe the api-destination(s). An api-destination '%s' does not exist.", name)
	}
	return *d, nil
}

// ListAPIDestinations returns the API destinations, by name.
func (s *Service) ListAPIDestinations() []APIDestination {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]APIDestination, 0, len(s.dests))
	for _, d := range s.dests {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DeleteAPIDestination removes an API destination.
func (s *Service) DeleteAPIDestination(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.dests[name]; !ok {
		return notFound("Failed to delete the api-destination(s). An api-destination '%s' does not exist.", name)
	}
	var b store.Batch
	b.Delete(configBucket, []byte("dest/"+name))
	if err := s.apply(ctx, &b); err != nil {
		return err
	}
	delete(s.dests, name)
	return nil
}
