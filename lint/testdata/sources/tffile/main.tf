variable "stage" {
  type = string
}

resource "aws_cloudwatch_event_rule" "from_file" {
  event_pattern = file("${path.module}/patterns/orders.json")
}

resource "aws_cloudwatch_event_rule" "from_template" {
  event_pattern = templatefile("${path.module}/patterns/staged.json.tpl", { stage = var.stage })
}

resource "aws_cloudwatch_event_rule" "outside" {
  event_pattern = file("/etc/hostname")
}
