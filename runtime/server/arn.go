package server

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// arn is an ARN's parts: arn:partition:service:region:account:resource.
type arn struct {
	Partition, Service, Region, Account, Resource string
}

func parseARN(s string) (arn, error) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] == "" {
		return arn{}, fmt.Errorf("%q is not an ARN", s)
	}
	return arn{p[1], p[2], p[3], p[4], p[5]}, nil
}

func newRequestID() string { return uuid.NewString() }
