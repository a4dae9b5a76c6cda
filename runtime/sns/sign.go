package sns

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// signer signs envelopes with a key generated on first start and kept in
// the store, so signatures verify against the same certificate after a
// restart.
type signer struct {
	key  *rsa.PrivateKey
	cert []byte // PEM
}

func loadSigner(ctx context.Context, st store.Store) (*signer, error) {
	keyPEM, err := st.Get(ctx, bucket, []byte("signing/key"))
	certPEM, err2 := st.Get(ctx, bucket, []byte("signing/cert"))
	if err == nil && err2 == nil {
		blk, _ := pem.Decode(keyPEM)
		if blk != nil {
			if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
				return &signer{key: k, cert: certPEM}, nil
			}
		}
	} else if !errors.Is(err, store.ErrNotFound) && err != nil {
		return nil, fmt.Errorf("sns: reading the signing key: %w", err)
	}
	s, keyPEM, err := generateSigner()
	if err != nil {
		return nil, err
	}
	var b store.Batch
	b.Put(bucket, []byte("signing/key"), keyPEM)
	b.Put(bucket, []byte("signing/cert"), s.cert)
	if err := st.Apply(ctx, &b); err != nil {
		return nil, fmt.Errorf("sns: saving the signing key: %w", err)
	}
	return s, nil
}

// generateSigner makes a new RSA key and its self-signed certificate.
func generateSigner() (*signer, []byte, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.patternc.local"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(20, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return nil, nil, err
	}
	s := &signer{key: k, cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	return s, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
}

// stringToSign is AWS's canonical form: name, newline, value, newline.
func stringToSign(fields [][2]string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0])
		b.WriteByte('\n')
		b.WriteString(f[1])
		b.WriteByte('\n')
	}
	return b.String()
}

// sign returns the base64 signature; version "1" is SHA1withRSA, "2"
// SHA256withRSA.
func (s *signer) sign(version string, fields [][2]string) string {
	text := []byte(stringToSign(fields))
	var sig []byte
	if version == "2" {
		h := sha256.Sum256(text)
		sig, _ = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, h[:])
	} else {
		h := sha1.Sum(text)
		sig, _ = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA1, h[:])
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// CertificatePEM is the signing certificate served at SigningCertURL.
func (s *Service) CertificatePEM() []byte { return s.sign.cert }

// VerifyNotification checks a delivered envelope's signature against the
// service's certificate (for tests and for endpoints written in Go).
func (s *Service) VerifyNotification(body []byte) error {
	return verify(s.sign, body)
}

func verify(s *signer, body []byte) error {
	var env map[string]string
	if err := json.Unmarshal(body, &env); err != nil {
		// MessageAttributes is an object: read the string fields only.
		var loose map[string]json.RawMessage
		if err2 := json.Unmarshal(body, &loose); err2 != nil {
			return fmt.Errorf("sns: envelope is not JSON: %w", err2)
		}
		env = map[string]string{}
		for k, v := range loose {
			var str string
			if json.Unmarshal(v, &str) == nil {
				env[k] = str
			}
		}
	}
	keys := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if env["Type"] != "Notification" {
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var fields [][2]string
	for _, k := range keys {
		if v, ok := env[k]; ok {
			fields = append(fields, [2]string{k, v})
		}
	}
	sig, err := base64.StdEncoding.DecodeString(env["Signature"])
	if err != nil || len(sig) == 0 {
		return errors.New("sns: envelope has no valid Signature")
	}
	text := []byte(stringToSign(fields))
	if env["SignatureVersion"] == "2" {
		h := sha256.Sum256(text)
		return rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, h[:], sig)
	}
	h := sha1.Sum(text)
	return rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA1, h[:], sig)
}
