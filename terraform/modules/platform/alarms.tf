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

  # A metric of each API (AWS/ApiGateway, by its id and stage), summed over the alarm period; an
  # alarm's query adds the metric's name (and another statistic where it takes one).
  api_metric = {
    for api, dimensions in {
      http      = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
      websocket = { ApiId = aws_apigatewayv2_api.websocket.id, Stage = aws_apigatewayv2_stage.websocket.name }
    } : api => { namespace = "AWS/ApiGateway", dimensions = dimensions, stat = "Sum", period = local.alarm_period }
  }

  # Every alarm of the platform, by its name after `tessera-<env>-`: one with `math` returns that
  # expression over its `queries` (by id), one without reads its one query's metric itself; what an
  # alarm leaves out is `alarm_defaults`'.
  alarms = {
    "http-5xx-rate" = {
      description = "The HTTP API answered more than ${local.thresholds.http_5xx_rate_percent}% of its requests with 5xx in 5 minutes, at least ${local.thresholds.minimum_errors} of them."
      threshold   = local.thresholds.http_5xx_rate_percent
      math = {
        id         = "rate"
        label      = "5xx answers, % of requests"
        expression = "IF(FILL(errors, 0) >= ${local.thresholds.minimum_errors}, 100 * FILL(errors, 0) / requests, 0)"
      }
      queries = {
        errors   = merge(local.api_metric.http, { metric_name = "5xx" })
        requests = merge(local.api_metric.http, { metric_name = "Count" })
      }
    }

    "http-latency-p99" = {
      description        = "The HTTP API's p99 latency (authorizer and function included) was above ${local.thresholds.http_latency_p99_milliseconds} ms for 15 minutes, over at least ${local.thresholds.minimum_requests} requests each 5 minutes."
      threshold          = local.thresholds.http_latency_p99_milliseconds
      evaluation_periods = 3
      datapoints         = 3
      math = {
        id         = "p99"
        label      = "latency p99 (ms)"
        expression = "IF(requests >= ${local.thresholds.minimum_requests}, latency, 0)"
      }
      queries = {
        latency  = merge(local.api_metric.http, { metric_name = "Latency", stat = "p99" })
        requests = merge(local.api_metric.http, { metric_name = "Count" })
      }
    }

    # A WebSocket API has no 5xx or Latency metric: its errors are the integration's failed answers
    # (IntegrationError, which counts a function's 4xx answers too, hence the higher default) and
    # API Gateway's failures to call it (ExecutionError), over the messages it carried (ConnectCount
    # and MessageCount, pushes to clients included); its latency is the integration's.
    "websocket-error-rate" = {
      description = "The WebSocket API's functions failed (or could not be called for) more than ${local.thresholds.websocket_error_rate_percent}% of its messages in 5 minutes, at least ${local.thresholds.minimum_errors} of them."
      threshold   = local.thresholds.websocket_error_rate_percent
      math = {
        id         = "rate"
        label      = "failed messages, % of messages"
        expression = "IF(FILL(integration_errors, 0) + FILL(execution_errors, 0) >= ${local.thresholds.minimum_errors}, 100 * (FILL(integration_errors, 0) + FILL(execution_errors, 0)) / (FILL(connects, 0) + FILL(messages, 0)), 0)"
      }
      queries = {
        integration_errors = merge(local.api_metric.websocket, { metric_name = "IntegrationError" })
        execution_errors   = merge(local.api_metric.websocket, { metric_name = "ExecutionError" })
        connects           = merge(local.api_metric.websocket, { metric_name = "ConnectCount" })
        messages           = merge(local.api_metric.websocket, { metric_name = "MessageCount" })
      }
    }

    "websocket-latency-p99" = {
      description        = "The WebSocket API's p99 integration latency (its functions' answers) was above ${local.thresholds.websocket_latency_p99_milliseconds} ms for 15 minutes, over at least ${local.thresholds.minimum_requests} messages each 5 minutes."
      threshold          = local.thresholds.websocket_latency_p99_milliseconds
      evaluation_periods = 3
      datapoints         = 3
      math = {
        id         = "p99"
        label      = "integration latency p99 (ms)"
        expression = "IF(FILL(connects, 0) + FILL(messages, 0) >= ${local.thresholds.minimum_requests}, latency, 0)"
      }
      queries = {
        latency  = merge(local.api_metric.websocket, { metric_name = "IntegrationLatency", stat = "p99" })
        connects = merge(local.api_metric.websocket, { metric_name = "ConnectCount" })
        messages = merge(local.api_metric.websocket, { metric_name = "MessageCount" })
      }
    }

    # Only where the publisher reads a stream.
    "publisher-iterator-age" = {
      enabled     = length(var.table_streams) > 0
      description = "The outbox publisher is more than ${local.thresholds.publisher_iterator_age_milliseconds} ms behind a table stream; records expire after 24 hours."
      threshold   = local.thresholds.publisher_iterator_age_milliseconds
      comparison  = "GreaterThanOrEqualToThreshold"
      queries = {
        iterator_age = {
          namespace   = "AWS/Lambda"
          metric_name = "IteratorAge"
          dimensions  = { FunctionName = module.publisher.lambda_function_name }
          stat        = "Maximum"
          period      = local.alarm_period
        }
      }
    }
  }

  alarm_defaults = {
    enabled            = true
    comparison         = "GreaterThanThreshold"
    evaluation_periods = 1
    datapoints         = null
    math               = null
  }
  # The statistics CloudWatch names as such; any other (`p99`) is an extended statistic.
  alarm_statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]
  alarm_actions    = [local.alarm_topic_arn]

  # The alarms the resource creates (with alarms on): `metric` is the one metric an alarm without
  # math reads.
  created_alarms = {
    for name, alarm in local.alarms : name => merge(local.alarm_defaults, alarm, {
      metric = lookup(alarm, "math", null) == null ? one(values(alarm.queries)) : null
    }) if var.enable_alarms && lookup(alarm, "enabled", true)
  }
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

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.created_alarms

  alarm_name          = "tessera-${var.environment}-${each.key}"
  alarm_description   = each.value.description
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  # An alarm on one metric names it itself.
  namespace          = each.value.metric == null ? null : each.value.metric.namespace
  metric_name        = each.value.metric == null ? null : each.value.metric.metric_name
  dimensions         = each.value.metric == null ? null : each.value.metric.dimensions
  period             = each.value.metric == null ? null : each.value.metric.period
  statistic          = each.value.metric == null ? null : contains(local.alarm_statistics, each.value.metric.stat) ? each.value.metric.stat : null
  extended_statistic = each.value.metric == null ? null : contains(local.alarm_statistics, each.value.metric.stat) ? null : each.value.metric.stat

  # An alarm on metric math: the expression it returns, and the metrics the expression reads.
  dynamic "metric_query" {
    for_each = each.value.math == null ? [] : [each.value.math]

    content {
      id          = metric_query.value.id
      label       = metric_query.value.label
      expression  = metric_query.value.expression
      return_data = true
    }
  }

  dynamic "metric_query" {
    for_each = { for id, query in each.value.queries : id => query if each.value.math != null }

    content {
      id = metric_query.key

      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.metric_name
        dimensions  = metric_query.value.dimensions
        stat        = metric_query.value.stat
        period      = metric_query.value.period
      }
    }
  }

  tags = var.tags
}

# The publisher's lag alarm was a resource of its own until the alarms became one.
moved {
  from = aws_cloudwatch_metric_alarm.publisher_iterator_age[0]
  to   = aws_cloudwatch_metric_alarm.this["publisher-iterator-age"]
}
