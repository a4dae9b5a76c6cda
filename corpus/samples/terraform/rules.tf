resource "aws_cloudwatch_event_rule" "ec2_stopped" {
  name = "ec2-stopped"
  event_pattern = jsonencode({
    source      = ["aws.ec2"]
    detail-type = ["EC2 Instance State-change Notification"]
    detail = {
      state = ["stopped", "terminated"]
    }
  })
}

resource "aws_sns_topic_subscription" "big_spenders" {
  topic_arn     = "arn:aws:sns:us-east-1:123456789012:orders"
  protocol      = "sqs"
  endpoint      = "arn:aws:sqs:us-east-1:123456789012:big-spenders"
  filter_policy = jsonencode({ price_usd = [{ numeric = [">=", 500] }] })
}
