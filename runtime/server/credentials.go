package server

import (
	"fmt"
	"os"
	"regexp"

	yaml "go.yaml.in/yaml/v3"
)

// Credential is one entry of the credentials file: an access key, its
// secret, the account it acts as, and an optional bearer token for
// patternc's own /v1 API.
type Credential struct {
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
	Account         string `yaml:"account"`
	BearerToken     string `yaml:"bearer_token"`
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// LoadCredentials reads a credentials file: YAML (or JSON) holding either
// a list of entries or {credentials: [...]}.
func LoadCredentials(path string) ([]Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseCredentials(data)
}

// ParseCredentials parses the text of a credentials file.
func ParseCredentials(data []byte) ([]Credential, error) {
	var list []Credential
	if err := yaml.Unmarshal(data, &list); err != nil {
		var doc struct {
			Credentials []Credential `yaml:"credentials"`
		}
		if err2 := yaml.Unmarshal(data, &doc); err2 != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		list = doc.Credentials
	}
	seen := map[string]bool{}
	for i, c := range list {
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return nil, fmt.Errorf("credentials: entry %d needs access_key_id and secret_access_key", i+1)
		}
		if !accountRE.MatchString(c.Account) {
			return nil, fmt.Errorf("credentials: entry %d (%s): account %q is not 12 digits", i+1, c.AccessKeyID, c.Account)
		}
		if seen[c.AccessKeyID] {
			return nil, fmt.Errorf("credentials: access key %s appears twice", c.AccessKeyID)
		}
		seen[c.AccessKeyID] = true
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("credentials: no entries")
	}
	return list, nil
}
