package functions

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Spec is what a function is made of, apart from its code.
type Spec struct {
	Name        string            `json:"name"`
	Runtime     string            `json:"runtime"`
	Handler     string            `json:"handler,omitempty"`
	Description string            `json:"description,omitempty"`
	Timeout     int               `json:"timeout"`    // seconds, 1–900, default 3 [AWS]
	MemorySize  int               `json:"memorySize"` // MB, 128–10240, default 128 [AWS]
	Environment map[string]string `json:"environment,omitempty"`
	Role        string            `json:"role,omitempty"`
	// ReservedConcurrency caps the function's processes (nil: the
	// service's default, 10 [P]); 0 throttles every invocation.
	ReservedConcurrency *int   `json:"reservedConcurrency,omitempty"`
	DeadLetterArn       string `json:"deadLetterArn,omitempty"`
}

// Runtimes are the Runtime values a function may have [AWS names].
var Runtimes = []string{
	"provided", "provided.al2", "provided.al2023",
	"python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13",
	"nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x",
}

// family is "provided", "python" or "nodejs".
func family(runtime string) string {
	switch {
	case strings.HasPrefix(runtime, "provided"):
		return "provided"
	case strings.HasPrefix(runtime, "python"):
		return "python"
	case strings.HasPrefix(runtime, "nodejs"):
		return "nodejs"
	}
	return ""
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func validation(value any, field, constraint string) error {
	return apiErr("ValidationException", fmt.Sprintf("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint), 400)
}

// check fills defaults and validates sp as CreateFunction does [AWS
// messages].
func check(sp *Spec) error {
	if !nameRE.MatchString(sp.Name) {
		return validation(sp.Name, "functionName", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length between 1 and 64")
	}
	if !slices.Contains(Runtimes, sp.Runtime) {
		return validation(sp.Runtime, "runtime", "Member must satisfy enum value set: ["+strings.Join(Runtimes, ", ")+"]")
	}
	if sp.Timeout == 0 {
		sp.Timeout = 3
	}
	if sp.MemorySize == 0 {
		sp.MemorySize = 128
	}
	if sp.Timeout < 1 || sp.Timeout > 900 {
		return validation(sp.Timeout, "timeout", "Member must have value between 1 and 900")
	}
	if sp.MemorySize < 128 || sp.MemorySize > 10240 {
		return validation(sp.MemorySize, "memorySize", "Member must have value between 128 and 10240")
	}
	if family(sp.Runtime) != "provided" {
		mod, fn, ok := strings.Cut(sp.Handler, ".")
		if !ok || mod == "" || fn == "" || len(sp.Handler) > 128 {
			return apiErr("InvalidParameterValueException", fmt.Sprintf("The handler %q is not valid for runtime %s: use file.function (e.g. handler.handler)", sp.Handler, sp.Runtime), 400)
		}
	}
	if rc := sp.ReservedConcurrency; rc != nil && (*rc < 0 || *rc > 1000) {
		return validation(*rc, "reservedConcurrentExecutions", "Member must have value between 0 and 1000")
	}
	var size int
	for k, v := range sp.Environment {
		size += len(k) + len(v)
	}
	if size > 4096 {
		return apiErr("InvalidParameterValueException", "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.", 400)
	}
	return nil
}

// NameOf returns the function name in a name, a partial ARN or a full
// ARN, without its qualifier ($LATEST is the only version patternc has).
func NameOf(nameOrARN string) string {
	s := nameOrARN
	if i := strings.Index(s, "function:"); i >= 0 {
		s = s[i+len("function:"):]
	}
	name, _, _ := strings.Cut(s, ":")
	return name
}
