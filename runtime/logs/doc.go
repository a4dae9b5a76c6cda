// Package logs is CloudWatch Logs for the runtime: log groups, streams and
// events kept in the store, read with GetLogEvents' and FilterLogEvents'
// semantics and filtered with AWS's filter-pattern syntax (Pattern).
//
// Functions write their output here (Service implements
// functions.LogSink: /aws/lambda/{name}, a stream per process), and a log
// group is a sink for bus rule targets: each matched event becomes a log
// event, the usual way to watch what a bus routes.
package logs
