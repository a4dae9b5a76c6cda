// Package tags keeps the tags of an account's resources (buses, rules,
// topics, queues) by ARN in the account's store, for the services'
// TagResource, UntagResource and ListTagsForResource operations.
package tags
