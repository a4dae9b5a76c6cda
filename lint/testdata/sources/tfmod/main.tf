module "eventbridge" {
  source  = "terraform-aws-modules/eventbridge/aws"
  version = "~> 3.0"

  bus_name = "orders"

  rules = {
    orders_good = {
      description   = "Orders"
      event_pattern = jsonencode({ source = ["com.example.orders"] })
    }
    orders_bad = {
      event_pattern = jsonencode({ source = ["com.example.orders"], detail = { n = [{ numeric = ["<>", 5] }] } })
    }
  }

  targets = {
    orders_good = [{ name = "queue", arn = "arn:aws:sqs:us-east-1:111122223333:q" }]
  }

  archives = {
    all_orders = {
      event_pattern = jsonencode({ source = [{ prefix = "" }], "detail-type" = [{ "equals-ignore-case" = 5 }] })
    }
  }

  pipes = {
    sqs_to_bus = {
      source = "arn:aws:sqs:us-east-1:111122223333:in"
      target = "arn:aws:events:us-east-1:111122223333:event-bus/orders"
      source_parameters = {
        filter_criteria = {
          f1 = { pattern = jsonencode({ body = { kind = ["order"] } }) }
          f2 = { pattern = jsonencode({ body = { kind = [{ "anything-but" = [] }] } }) }
        }
      }
    }
  }
}

module "topic" {
  source = "terraform-aws-modules/sns/aws"

  name = "orders"
  subscriptions = {
    eu = {
      protocol            = "sqs"
      endpoint            = "arn:aws:sqs:us-east-1:111122223333:eu"
      filter_policy_scope = "MessageBody"
      filter_policy       = jsonencode({ order = { country = ["PT", "ES"] } })
    }
    bad = {
      protocol      = "sqs"
      endpoint      = "arn:aws:sqs:us-east-1:111122223333:bad"
      filter_policy = jsonencode({ price = [{ numeric = [">", "cheap"] }] })
    }
  }
}

module "worker" {
  source = "terraform-aws-modules/lambda/aws"

  function_name = "worker"
  event_source_mapping = {
    sqs = {
      event_source_arn = "arn:aws:sqs:us-east-1:111122223333:q"
      filter_criteria = [
        { pattern = jsonencode({ body = { priority = ["high"] } }) },
        { pattern = jsonencode({ body = { priority = [{ wildcard = "h**" }] } }) },
      ]
    }
  }
}
