# The events the service subscribes to: one EventBridge rule per subscription in the service's
# `subscriptions.json` (the file the devstack builds its local rules from), each invoking the
# function's `live` alias. Deliveries that still fail after the retries land in an encrypted
# dead-letter queue, with an alarm when alarms are on.

locals {
  # Patterns differ in shape from one subscription to the next, so each is kept as its JSON text.
  subscriptions = {
    for subscription in jsondecode(var.subscriptions_path == null ? "{\"subscriptions\":[]}" : file(var.subscriptions_path)).subscriptions :
    subscription.name => { description = subscription.description, pattern = jsonencode(subscription.pattern) }
  }
  has_subscriptions = length(local.subscriptions) > 0
  rule_name_prefix  = "tessera-${var.environment}-${var.name}"
  rule_arns = {
    for name, _ in local.subscriptions :
    name => "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.id}:${var.account_id}:rule/${coalesce(var.event_bus_name, "default")}/${local.rule_name_prefix}-${name}"
  }
  dead_letter_queue_name = "${local.rule_name_prefix}-events-dlq"
  dead_letter_queue_arn  = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.id}:${var.account_id}:${local.dead_letter_queue_name}"
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.subscriptions

  name           = "${local.rule_name_prefix}-${each.key}"
  description    = each.value.description
  event_bus_name = var.event_bus_name
  event_pattern  = each.value.pattern

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.event_bus_name != null
      error_message = "A service with subscriptions needs event_bus_name."
    }
  }
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.subscriptions

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = var.event_bus_name
  target_id      = "${var.name}-function"
  arn            = module.function.lambda_alias_arn

  retry_policy {
    maximum_event_age_in_seconds = var.event_maximum_age_in_seconds
    maximum_retry_attempts       = var.event_maximum_retry_attempts
  }

  dead_letter_config {
    arn = local.dead_letter_queue_arn
  }
}

resource "aws_lambda_permission" "events" {
  for_each = local.subscriptions

  statement_id  = "AllowEventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.function.lambda_function_name
  qualifier     = module.function.lambda_alias_name
  principal     = "events.amazonaws.com"
  source_arn    = local.rule_arns[each.key]
}

resource "aws_sqs_queue" "dead_letter" {
  count = local.has_subscriptions ? 1 : 0

  name                      = local.dead_letter_queue_name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = var.tags
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = local.has_subscriptions ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EventBridgeDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.dead_letter_queue_arn
        Condition = { ArnEquals = { "aws:SourceArn" = values(local.rule_arns) } }
      },
    ]
  })
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  count = local.has_subscriptions && var.enable_alarms ? 1 : 0

  alarm_name          = "${local.dead_letter_queue_name}-not-empty"
  alarm_description   = "Events for ${var.name} failed every delivery attempt and wait in ${local.dead_letter_queue_name}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = local.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  ok_actions          = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]

  tags = var.tags
}
