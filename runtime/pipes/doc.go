// Package pipes runs EventBridge Pipes over the runtime: a pipe reads
// batches from a local queue (SQS semantics: batch size, batching window,
// visibility timeout, delete on success, the queue's redrive policy for
// batches that keep failing), drops the records its FilterCriteria do not
// match (deleting them from the source, as AWS does), optionally enriches
// the batch through a function whose answer replaces it, renders each
// event through an input template (the InputTransformer grammar of the
// events package, with "<$.body.x>" paths into a JSON body and the
// aws.pipes variables), and hands the events to a bus, topic, queue,
// function or log group.
//
// Pipes and their tags live in the store; the records live on the source
// queue until the target accepted them, so nothing is lost when the
// process dies mid-batch: the batch is delivered again.
package pipes
