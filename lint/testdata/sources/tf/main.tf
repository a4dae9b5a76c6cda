data "aws_caller_identity" "current" {}

variable "min_total" {
  type    = number
  default = 100
}

variable "sources" {
  type = list(string)
}

locals {
  shared_pattern = jsonencode({
    source = ["com.example.orders"]
    detail = { total = [{ numeric = [">", var.min_total] }], ip = [{ cidr = "10.1.0.0/40" }] }
  })
}

resource "aws_cloudwatch_event_rule" "with_ref" {
  event_pattern = jsonencode({
    account = [data.aws_caller_identity.current.account_id]
    source  = var.sources
    detail  = { ip = [{ cidr = "300.0.0.0/8" }] }
  })
}

resource "aws_cloudwatch_event_rule" "ok_with_ref" {
  event_pattern = jsonencode({
    account = [data.aws_caller_identity.current.account_id]
    detail  = { ip = [{ cidr = "10.0.0.0/8" }] }
  })
}

resource "aws_cloudwatch_event_rule" "use_one" {
  event_pattern = local.shared_pattern
}

resource "aws_cloudwatch_event_rule" "use_two" {
  event_pattern = local.shared_pattern
}

resource "aws_cloudwatch_event_archive" "good" {
  event_source_arn = "arn:aws:events:us-east-1:111122223333:event-bus/default"
  event_pattern    = jsonencode({ source = ["com.example.orders"] })
}

resource "aws_cloudwatch_event_archive" "bad" {
  event_source_arn = "arn:aws:events:us-east-1:111122223333:event-bus/default"
  event_pattern    = jsonencode({ source = [{ suffix = 5 }] })
}

resource "aws_lambda_event_source_mapping" "dyn" {
  event_source_arn = "arn:aws:sqs:us-east-1:111122223333:q"
  function_name    = "f"
  dynamic "filter_criteria" {
    for_each = var.sources
    content {
      filter {
        pattern = filter_criteria.value
      }
    }
  }
}

resource "aws_cloudwatch_event_rule" "heredoc_interp" {
  event_pattern = <<EOT
{
  "source": ["${var.sources[0]}"],
  "account": ${jsonencode(var.sources)},
  "detail": {"n": [{"numeric": ["<", 5, ">", 9]}]}
}
EOT
}

resource "aws_cloudwatch_event_rule" "merged" {
  event_pattern = jsonencode(merge(local.base, { source = ["x"] }))
}
