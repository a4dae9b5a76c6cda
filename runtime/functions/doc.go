// Package functions runs function code the way Lambda does: each function
// is a pool of local processes that speak the Lambda Runtime API
// (2018-06-01) to patternc.
//
// A process gets its own Runtime API endpoint on a loopback port
// (AWS_LAMBDA_RUNTIME_API), so the invocation it asked for is known to be
// its own: a timeout kills exactly that process. provided.* functions run
// the zip's bootstrap — a Go program built with github.com/aws/aws-lambda-go
// runs unchanged; python3.x and nodejs* functions run small runtime
// clients embedded here (clients/), which load "file.function" from the
// unpacked code and loop on the API as AWS's clients do.
//
// Limits follow Lambda: code at most 50 MB zipped and 250 MB unzipped
// (zip-slip, absolute names and symlinks out of the tree rejected), 6 MB
// payloads and responses, Timeout (default 3 s) killing the process with
// "Task timed out after N.NN seconds", an exit before the answer as
// Runtime.ExitError, at most the reserved concurrency of processes per
// function (default 10; more callers are throttled), idle processes
// stopped after 5 minutes. Output goes to /aws/lambda/{name}, one stream
// per process, framed by START, END and REPORT lines; an invocation keeps
// at most Config.OutputLimit bytes of output (the rest is drained and
// counted), and its last 4 KB are Result.LogTail (LogType=Tail).
//
// With Config.Dispatcher set, every function is also a handler of the
// async dispatcher (runtime/lambda): Event invocations run here with its
// retries, destinations and dead-letter queue.
package functions
