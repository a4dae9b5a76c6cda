package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/patternc/patternc/runtime/server"
)

// Start a server on a free loopback port, create a topic with an awsQuery
// request (what `aws sns create-topic` sends) and shut down.
func Example() {
	dir, _ := os.MkdirTemp("", "serve-example")
	defer os.RemoveAll(dir)
	s, err := server.New(server.Config{Listen: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer s.Shutdown(context.Background())

	resp, err := http.Post(s.URL(), "application/x-www-form-urlencoded",
		strings.NewReader("Action=CreateTopic&Version=2010-03-31&Name=orders"))
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	start := strings.Index(string(body), "<TopicArn>")
	end := strings.Index(string(body), "</TopicArn>")
	fmt.Println(resp.StatusCode, string(body[start+len("<TopicArn>"):end]))
	// Output: 200 arn:aws:sns:us-east-1:000000000000:orders
}
