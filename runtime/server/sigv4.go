package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Signature Version 4 verification [AWS: "Authenticating requests
// (AWS Signature Version 4)"]: the server rebuilds the canonical request
// from what arrived, derives the signing key from the secret it holds for
// the access key, and compares signatures in constant time.

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	amzDateForm  = "20060102T150405Z"
	// maxSkew is how far X-Amz-Date may be from the server's clock.
	maxSkew = 15 * time.Minute
	// maxPresignExpiry is the longest X-Amz-Expires AWS accepts (7 days).
	maxPresignExpiry = 7 * 24 * 3600
)

// sigInput is the signature material of one request, from the
// Authorization header or the presigned query.
type sigInput struct {
	accessKey     string
	date          string // yyyymmdd of the scope
	region        string
	service       string
	signedHeaders []string
	signature     string
	amzDate       time.Time
	presigned     bool
	expires       time.Duration
}

// authFailure is a failed verification: which failure and AWS's message.
type authFailure struct {
	kind failure
	msg  string
}

// parseSigV4 reads the signature material; ok is false when the request
// carries none at all.
func parseSigV4(r *http.Request) (*sigInput, *authFailure, bool) {
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") != "" || q.Get("X-Amz-Signature") != "" {
		in, f := parsePresigned(q)
		return in, f, true
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, nil, false
	}
	alg, rest, _ := strings.Cut(auth, " ")
	if alg != sigAlgorithm {
		return nil, &authFailure{failBadSignature, "Authorization header requires the " + sigAlgorithm + " algorithm."}, true
	}
	in := &sigInput{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			if !in.setCredential(v) {
				return nil, &authFailure{failBadSignature, "Authorization header Credential is malformed."}, true
			}
		case "SignedHeaders":
			in.signedHeaders = strings.Split(v, ";")
		case "Signature":
			in.signature = v
		}
	}
	if in.accessKey == "" || in.signature == "" || len(in.signedHeaders) == 0 {
		return nil, &authFailure{failBadSignature, "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."}, true
	}
	d := r.Header.Get("X-Amz-Date")
	if d == "" {
		d = r.Header.Get("Date")
	}
	t, err := time.Parse(amzDateForm, d)
	if err != nil {
		return nil, &authFailure{failBadSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."}, true
	}
	in.amzDate = t
	return in, nil, true
}

func parsePresigned(q url.Values) (*sigInput, *authFailure) {
	in := &sigInput{presigned: true}
	if q.Get("X-Amz-Algorithm") != sigAlgorithm {
		return nil, &authFailure{failBadSignature, "X-Amz-Algorithm only supports " + sigAlgorithm + "."}
	}
	if !in.setCredential(q.Get("X-Amz-Credential")) {
		return nil, &authFailure{failBadSignature, "X-Amz-Credential is malformed."}
	}
	in.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	in.signature = q.Get("X-Amz-Signature")
	t, err := time.Parse(amzDateForm, q.Get("X-Amz-Date"))
	if err != nil {
		return nil, &authFailure{failBadSignature, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"."}
	}
	in.amzDate = t
	exp, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || exp < 1 || exp > maxPresignExpiry {
		return nil, &authFailure{failBadSignature, "X-Amz-Expires must be between 1 and 604800 seconds."}
	}
	in.expires = time.Duration(exp) * time.Second
	if in.signature == "" {
		return nil, &authFailure{failBadSignature, "X-Amz-Signature is missing."}
	}
	return in, nil
}

// setCredential reads AKID/yyyymmdd/region/service/aws4_request.
func (in *sigInput) setCredential(v string) bool {
	parts := strings.Split(v, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return false
	}
	in.accessKey, in.date, in.region, in.service = parts[0], parts[1], parts[2], parts[3]
	return true
}

// verifySigV4 checks in against the request, its body and secret at now.
func verifySigV4(r *http.Request, body []byte, in *sigInput, secret string, now time.Time) *authFailure {
	if in.presigned {
		if now.After(in.amzDate.Add(in.expires)) {
			return &authFailure{failBadSignature, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s + %ds).",
				in.amzDate.Add(in.expires).Format(amzDateForm), now.UTC().Format(amzDateForm), in.amzDate.Format(amzDateForm), int(in.expires/time.Second))}
		}
		if in.amzDate.After(now.Add(maxSkew)) {
			return &authFailure{failBadSignature, "Signature not yet current: " + in.amzDate.Format(amzDateForm) + " is still later than " + now.Add(maxSkew).UTC().Format(amzDateForm) + "."}
		}
	} else if d := now.Sub(in.amzDate); d > maxSkew || d < -maxSkew {
		return &authFailure{failBadSignature, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			in.amzDate.Format(amzDateForm), now.Add(-maxSkew).UTC().Format(amzDateForm), now.UTC().Format(amzDateForm))}
	}
	if in.amzDate.Format("20060102") != in.date {
		return &authFailure{failBadSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP."}
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	switch {
	case payload == "UNSIGNED-PAYLOAD" && in.presigned:
	case payload != "" && payload != bodyHash:
		return &authFailure{failBadSignature, "The provided 'x-amz-content-sha256' header does not match what was computed."}
	default:
		payload = bodyHash
	}
	creq := canonicalRequest(r, in, payload)
	scope := in.date + "/" + in.region + "/" + in.service + "/aws4_request"
	ch := sha256.Sum256([]byte(creq))
	sts := sigAlgorithm + "\n" + in.amzDate.Format(amzDateForm) + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	key := hmacSHA256([]byte("AWS4"+secret), in.date)
	key = hmacSHA256(key, in.region)
	key = hmacSHA256(key, in.service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, sts))
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(in.signature))) != 1 {
		return &authFailure{failBadSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
	return nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// canonicalRequest is SigV4's canonical form of r.
func canonicalRequest(r *http.Request, in *sigInput, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	// The canonical URI of every service but S3 is the escaped path
	// escaped once more, segment by segment [AWS SigV4]: an ARN in a path
	// (/tags/arn%3Aaws%3A…) is signed as arn%253Aaws%253A….
	segs := strings.Split(r.URL.EscapedPath(), "/")
	for i, seg := range segs {
		segs[i] = uriEncode(seg)
	}
	path := strings.Join(segs, "/")
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	b.WriteByte('\n')
	// Query: every parameter except the signature, names and values
	// URI-encoded, sorted by name then value.
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		if in.presigned && k == "X-Amz-Signature" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	first := true
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			if !first {
				b.WriteByte('&')
			}
			first = false
			b.WriteString(uriEncode(k))
			b.WriteByte('=')
			b.WriteString(uriEncode(v))
		}
	}
	b.WriteByte('\n')
	hs := append([]string(nil), in.signedHeaders...)
	sort.Strings(hs)
	for _, h := range hs {
		h = strings.ToLower(h)
		b.WriteString(h)
		b.WriteByte(':')
		var v string
		if h == "host" {
			v = r.Host
		} else if h == "content-length" {
			v = strconv.FormatInt(r.ContentLength, 10)
		} else {
			v = strings.Join(r.Header.Values(h), ",")
		}
		b.WriteString(strings.Join(strings.Fields(v), " "))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.ToLower(strings.Join(hs, ";")))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// uriEncode is SigV4's URI encoding: everything but unreserved characters
// as %XX with upper-case hex.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
