package status_test

import (
	"crypto/hmac"
	"fmt"
	"net/http"

	"github.com/patternc/patternc/runtime/status"
)

// A webhook receiver checks X-Patternc-Signature against the HMAC of the
// timestamp and the body it read, in constant time.
func ExampleSign() {
	secret := []byte("shared-secret")
	body := []byte(`{"invocationId":"inv-1","status":"SUCCEEDED","revision":3}`)
	ts := "1764500000"

	// What the sender puts in the request (status.Server does this).
	h := http.Header{}
	h.Set("X-Patternc-Timestamp", ts)
	h.Set("X-Patternc-Signature", status.Sign(secret, ts, body))

	// What the receiver does.
	want := status.Sign(secret, h.Get("X-Patternc-Timestamp"), body)
	fmt.Println(hmac.Equal([]byte(want), []byte(h.Get("X-Patternc-Signature"))))

	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-2] = '4'
	want = status.Sign(secret, ts, tampered)
	fmt.Println(hmac.Equal([]byte(want), []byte(h.Get("X-Patternc-Signature"))))
	// Output:
	// true
	// false
}
