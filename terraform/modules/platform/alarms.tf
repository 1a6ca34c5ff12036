# The alarm topic every module's alarms go to, and the platform's own alarms, each to the topic and
# back to OK, missing data not breaching: per API (HTTP and WebSocket) its error rate and its p99
# latency, and the publisher falling behind its streams. The publisher's errors and throttles come
# with the lambda-function module; the alarms on Tessera's own metrics (each service's requests,
# payments, reminders) with the observability module.
#
# An error rate is metric math over two sums and fires only with at least `minimum_errors` errors in
# its 5 minutes, so one failure out of one request is no page while a steady failure of a small
# share still is; a p99 latency fires only over at least `minimum_requests` requests (the p99 of a
# handful is their slowest, a cold start), and only when it stays high three periods running.

locals {
  thresholds   = var.alarm_thresholds
  alarm_period = 300

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

resource "aws_cloudwatch_metric_alarm" "http_5xx_rate" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-http-5xx-rate"
  alarm_description   = "The HTTP API answered more than ${local.thresholds.http_5xx_rate_percent}% of its requests with 5xx in 5 minutes, at least ${local.thresholds.minimum_errors} of them."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.http_5xx_rate_percent
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  metric_query {
    id          = "rate"
    label       = "5xx answers, % of requests"
    expression  = "IF(FILL(errors, 0) >= ${local.thresholds.minimum_errors}, 100 * FILL(errors, 0) / requests, 0)"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5xx"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "http_latency_p99" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-http-latency-p99"
  alarm_description   = "The HTTP API's p99 latency (authorizer and function included) was above ${local.thresholds.http_latency_p99_milliseconds} ms for 15 minutes, over at least ${local.thresholds.minimum_requests} requests each 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.http_latency_p99_milliseconds
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  metric_query {
    id          = "p99"
    label       = "latency p99 (ms)"
    expression  = "IF(requests >= ${local.thresholds.minimum_requests}, latency, 0)"
    return_data = true
  }

  metric_query {
    id = "latency"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Latency"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
      stat        = "p99"
      period      = local.alarm_period
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  tags = var.tags
}

# A WebSocket API has no 5xx or Latency metric: its errors are the integration's failed answers
# (IntegrationError, which counts a function's 4xx answers too, hence the higher default) and
# API Gateway's failures to call it (ExecutionError), over the messages it carried (ConnectCount and
# MessageCount, pushes to clients included); its latency is the integration's.
resource "aws_cloudwatch_metric_alarm" "websocket_error_rate" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-websocket-error-rate"
  alarm_description   = "The WebSocket API's functions failed (or could not be called for) more than ${local.thresholds.websocket_error_rate_percent}% of its messages in 5 minutes, at least ${local.thresholds.minimum_errors} of them."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.websocket_error_rate_percent
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  metric_query {
    id          = "rate"
    label       = "failed messages, % of messages"
    expression  = "IF(FILL(integration_errors, 0) + FILL(execution_errors, 0) >= ${local.thresholds.minimum_errors}, 100 * (FILL(integration_errors, 0) + FILL(execution_errors, 0)) / (FILL(connects, 0) + FILL(messages, 0)), 0)"
    return_data = true
  }

  metric_query {
    id = "integration_errors"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "IntegrationError"
      dimensions  = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  metric_query {
    id = "execution_errors"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "ExecutionError"
      dimensions  = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  metric_query {
    id = "connects"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "ConnectCount"
      dimensions  = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  metric_query {
    id = "messages"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "MessageCount"
      dimensions  = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "websocket_latency_p99" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-websocket-latency-p99"
  alarm_description   = "The WebSocket API's p99 integration latency (its functions' answers) was above ${local.thresholds.websocket_latency_p99_milliseconds} ms for 15 minutes, over at least ${local.thresholds.minimum_requests} messages each 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.websocket_latency_p99_milliseconds
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  metric_query {
    id          = "p99"
    label       = "integration latency p99 (ms)"
    expression  = "IF(FILL(connects, 0) + FILL(messages, 0) >= ${local.thresholds.minimum_requests}, latency, 0)"
    return_data = true
  }

  metric_query {
    id = "latency"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "IntegrationLatency"
      dimensions  = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
      stat        = "p99"
      period      = local.alarm_period
    }
  }

  metric_query {
    id = "connects"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "ConnectCount"
      dimensions  = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  metric_query {
    id = "messages"

    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "MessageCount"
      dimensions  = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
      stat        = "Sum"
      period      = local.alarm_period
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "publisher_iterator_age" {
  count = var.enable_alarms && length(var.table_streams) > 0 ? 1 : 0

  alarm_name          = "tessera-${var.environment}-publisher-iterator-age"
  alarm_description   = "The outbox publisher is more than ${local.thresholds.publisher_iterator_age_milliseconds} ms behind a table stream; records expire after 24 hours."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = module.publisher.lambda_function_name }
  statistic           = "Maximum"
  period              = local.alarm_period
  evaluation_periods  = 1
  threshold           = local.thresholds.publisher_iterator_age_milliseconds
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  tags = var.tags
}
