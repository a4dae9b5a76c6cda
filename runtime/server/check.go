package server

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/patternc/patternc/runtime/server/models"
)

// checkValue checks a decoded input value (JSON with json.Number, or the
// tree read from a query form) against the shape of ref: known members
// only, each of its shape's type, required members present. path is the
// AWS validation path of v ("entries.1.member.source").
func checkValue(service, proto string, m *models.Model, ref models.Ref, v any, path string) *apiError {
	s := m.Shape(ref.Shape)
	if s == nil {
		return nil
	}
	if v == nil {
		return nil // JSON null: as if absent
	}
	bad := func() *apiError {
		where := path
		if where == "" {
			where = "the request"
		}
		return failureError(failInvalidParam, service, proto, fmt.Sprintf("Value at '%s' must be of type %s.", where, s.Type))
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			mr, ok := s.Members[k]
			if !ok {
				return failureError(failInvalidParam, service, proto, fmt.Sprintf("Unknown parameter %s%s.", prefixed(path), k))
			}
			if e := checkValue(service, proto, m, mr, obj[k], join(path, lowerFirst(k))); e != nil {
				return e
			}
		}
		for _, r := range s.Required {
			if obj[r] == nil {
				return missing(service, proto, join(path, lowerFirst(r)), r)
			}
		}
	case "list":
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		for i, e := range arr {
			if err := checkValue(service, proto, m, s.Member, e, fmt.Sprintf("%s.%d.member", path, i+1)); err != nil {
				return err
			}
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		for k, e := range obj {
			if err := checkValue(service, proto, m, s.Value, e, path+"."+k+".member"); err != nil {
				return err
			}
		}
	case "string":
		if _, ok := v.(string); !ok {
			return bad()
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case "integer", "long":
		n, ok := v.(json.Number)
		if !ok {
			return bad()
		}
		if _, err := n.Int64(); err != nil {
			return bad()
		}
	case "double", "float":
		n, ok := v.(json.Number)
		if !ok {
			return bad()
		}
		if _, err := n.Float64(); err != nil {
			return bad()
		}
	case "timestamp":
		switch v.(type) {
		case json.Number, string:
		default:
			return bad()
		}
	case "blob":
		str, ok := v.(string)
		if !ok {
			return bad()
		}
		if _, err := base64.StdEncoding.DecodeString(str); err != nil {
			return bad()
		}
	}
	return nil
}

// missing is AWS's error for an absent required member.
func missing(service, proto, path, member string) *apiError {
	if service == "sqs" {
		return failureError(failMissingParam, service, proto, fmt.Sprintf("The request must contain the parameter %s.", member))
	}
	return failureError(failMissingParam, service, proto,
		fmt.Sprintf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", path))
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func prefixed(path string) string {
	if path == "" {
		return ""
	}
	return path + "."
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
