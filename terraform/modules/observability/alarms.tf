# The alarms on Tessera's own metrics, when alarms are on (staging and prod), each to the alarm topic
# and back to OK, with missing data not breaching (no traffic is no page):
#
# - per service with contract operations (each is an API of its own operations, HTTP and WebSocket
#   commands alike): its 5xx answers as a share of its requests, and its p99 latency in the function;
# - the payments service's failed charges as a share of its charges;
# - the bookings service's reminders: the p99 of how long after its due time each went out.
#
# A rate is metric math over two sums, and fires only with at least `minimum_errors` errors (or
# failed payments) in its period, so one failure out of one request is no page while a steady
# failure of a small share still is; a p99 fires only over at least `minimum_requests` requests, the
# p99 of a handful being their slowest (a cold start). Latency must stay high three periods running.

locals {
  # The validation of alarm_topic_arn holds it set when alarms are on.
  alarm_actions         = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  alarmed_http_services = var.enable_alarms ? local.http_services : {}
  thresholds            = var.alarm_thresholds

  # Business metrics accrue slowly: their alarms look at 15 minutes.
  business_period = 900
}

resource "aws_cloudwatch_metric_alarm" "service_5xx_rate" {
  for_each = local.alarmed_http_services

  alarm_name          = "tessera-${var.environment}-${each.key}-5xx-rate"
  alarm_description   = "${each.key} answered more than ${local.thresholds.service_5xx_rate_percent}% of its requests (HTTP and WebSocket commands) with 5xx in 5 minutes, at least ${local.thresholds.minimum_errors} of them (its ${local.requests_metric} metric)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.service_5xx_rate_percent
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "rate"
    label       = "5xx answers, % of requests"
    expression  = "IF(FILL(errors, 0) >= ${local.thresholds.minimum_errors}, 100 * FILL(errors, 0) / requests, 0)"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = local.namespace
      metric_name = local.requests_metric
      dimensions  = { service = each.key, environment = var.environment, statusClass = local.server_error_class }
      stat        = "Sum"
      period      = local.period
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = local.namespace
      metric_name = local.requests_metric
      dimensions  = { service = each.key, environment = var.environment }
      stat        = "Sum"
      period      = local.period
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "service_latency_p99" {
  for_each = local.alarmed_http_services

  alarm_name          = "tessera-${var.environment}-${each.key}-latency-p99"
  alarm_description   = "The p99 time ${each.key}'s function took to answer a request was above ${local.thresholds.service_latency_p99_milliseconds} ms for 15 minutes, over at least ${local.thresholds.minimum_requests} requests each 5 minutes (its ${local.latency_metric} metric)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.service_latency_p99_milliseconds
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "p99"
    label       = "latency p99 (ms)"
    expression  = "IF(requests >= ${local.thresholds.minimum_requests}, latency, 0)"
    return_data = true
  }

  metric_query {
    id = "latency"

    metric {
      namespace   = local.namespace
      metric_name = local.latency_metric
      dimensions  = { service = each.key, environment = var.environment }
      stat        = "p99"
      period      = local.period
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = local.namespace
      metric_name = local.latency_metric
      dimensions  = { service = each.key, environment = var.environment }
      stat        = "SampleCount"
      period      = local.period
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "payment_failure_rate" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-${var.payments_service_name}-failure-rate"
  alarm_description   = "More than ${local.thresholds.payment_failure_rate_percent}% of the charges of ${var.payments_service_name} failed for good in 15 minutes, at least ${local.thresholds.minimum_errors} of them (${local.payment_failed_metric} / (${local.payment_failed_metric} + ${local.payment_charge_metric}))."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.payment_failure_rate_percent
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "rate"
    label       = "failed charges, % of charges"
    expression  = "IF(FILL(failed, 0) >= ${local.thresholds.minimum_errors}, 100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0)), 0)"
    return_data = true
  }

  metric_query {
    id = "failed"

    metric {
      namespace   = local.namespace
      metric_name = local.payment_failed_metric
      dimensions  = { service = var.payments_service_name, environment = var.environment }
      stat        = "Sum"
      period      = local.business_period
    }
  }

  metric_query {
    id = "succeeded"

    metric {
      namespace   = local.namespace
      metric_name = local.payment_charge_metric
      dimensions  = { service = var.payments_service_name, environment = var.environment }
      stat        = "Sum"
      period      = local.business_period
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "reminder_lag" {
  count = var.enable_alarms ? 1 : 0

  alarm_name          = "tessera-${var.environment}-${var.reminders_service_name}-reminder-lag"
  alarm_description   = "Reminders of ${var.reminders_service_name} went out more than ${local.thresholds.reminder_lag_p99_milliseconds} ms after their due time (p99 over 15 minutes, its ${local.reminder_lag_metric} metric): the scheduler or the schedule handler is falling behind."
  namespace           = local.namespace
  metric_name         = local.reminder_lag_metric
  dimensions          = { service = var.reminders_service_name, environment = var.environment }
  extended_statistic  = "p99"
  period              = local.business_period
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.reminder_lag_p99_milliseconds
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}
