variable "source_name" {
  type = string
}

resource "aws_cloudwatch_event_rule" "encoded" {
  name = "encoded"
  event_pattern = jsonencode({
    source = ["aws.ec2"]
    detail = {
      state = [{ "anything-but" = ["running", 5] }]
      size  = [{ numeric = [">=", -5, "<", 10] }]
    }
  })
}

resource "aws_cloudwatch_event_rule" "heredoc" {
  event_pattern = <<EOT
{
  "source": ["aws.s3"],
  "detail": {"key": [{"cidr": "10.0.0.0/33"}]}
}
EOT
}

resource "aws_cloudwatch_event_rule" "from_var" {
  event_pattern = jsonencode({ source = [var.source_name] })
}

resource "aws_sns_topic_subscription" "body" {
  topic_arn           = "arn:aws:sns:us-east-1:123456789012:t"
  protocol            = "sqs"
  endpoint            = "arn:aws:sqs:us-east-1:123456789012:q"
  filter_policy_scope = "MessageBody"
  filter_policy       = "{\"order\": {\"kind\": [{\"exists\": \"yes\"}]}}"
}
