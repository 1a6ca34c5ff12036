# The alarm topic every module's alarms go to, and the platform's own alarms: 5xx answers of the
# HTTP API, the WebSocket API's failed messages, and the publisher falling behind its streams. The
# publisher's errors and throttles come with the lambda-function module.

locals {
  # Built from the topic's name, so plans show every alarm's actions and the policy test can check
  # them (ADR 0013); reading the name still orders everything that uses it after the topic.
  alarm_topic_arn = var.enable_alarms ? "arn:${local.partition}:sns:${local.region}:${var.account_id}:${aws_sns_topic.this[0].name}" : null
}

resource "aws_sns_topic" "this" {
  count = var.enable_alarms ? 1 : 0

  name = "tessera-${var.environment}-alarms"

  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = var.enable_alarms ? toset(var.alarm_email_addresses) : toset([])

  topic_arn = aws_sns_topic.this[0].arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-http-5xx"
  alarm_description   = "The HTTP API answered with 5xx at least 5 times in 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "websocket_integration_errors" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-websocket-integration-errors"
  alarm_description   = "The WebSocket API's functions failed a message at least 5 times in 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "IntegrationError"
  dimensions          = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "publisher_iterator_age" {
  count = var.enable_alarms && length(var.table_streams) > 0 ? 1 : 0

  alarm_name          = "tessera-${var.environment}-publisher-iterator-age"
  alarm_description   = "The outbox publisher is more than 5 minutes behind a table stream; records expire after 24 hours."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = module.publisher.lambda_function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 300000
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  tags = var.tags
}
