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
  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  thresholds    = var.alarm_thresholds

  # Business metrics accrue slowly: their alarms look at 15 minutes.
  business_period = 900

  # A metric of the Tessera namespace with a service's and the environment's dimensions, summed
  # over 5 minutes; an alarm's query adds the metric's name (and its own statistic, period or
  # dimensions where it takes others).
  service_metric = {
    for name in distinct(concat(keys(local.http_services), [var.payments_service_name, var.reminders_service_name])) : name => {
      namespace  = local.namespace
      dimensions = { service = name, environment = var.environment }
      stat       = "Sum"
      period     = local.period
    }
  }

  # Every alarm of the module, by its name after `tessera-<env>-`: one with `math` returns that
  # expression over its `queries` (by id), one without reads its one query's metric itself; what an
  # alarm leaves out is `alarm_defaults`'.
  alarms = merge(
    {
      for name in keys(local.http_services) : "${name}-5xx-rate" => {
        description = "${name} answered more than ${local.thresholds.service_5xx_rate_percent}% of its requests (HTTP and WebSocket commands) with 5xx in 5 minutes, at least ${local.thresholds.minimum_errors} of them (its ${local.requests_metric} metric)."
        threshold   = local.thresholds.service_5xx_rate_percent
        math = {
          id         = "rate"
          label      = "5xx answers, % of requests"
          expression = "IF(FILL(errors, 0) >= ${local.thresholds.minimum_errors}, 100 * FILL(errors, 0) / requests, 0)"
        }
        queries = {
          errors = merge(local.service_metric[name], {
            metric_name = local.requests_metric
            dimensions  = merge(local.service_metric[name].dimensions, { statusClass = local.server_error_class })
          })
          requests = merge(local.service_metric[name], { metric_name = local.requests_metric })
        }
      }
    },
    {
      for name in keys(local.http_services) : "${name}-latency-p99" => {
        description        = "The p99 time ${name}'s function took to answer a request was above ${local.thresholds.service_latency_p99_milliseconds} ms for 15 minutes, over at least ${local.thresholds.minimum_requests} requests each 5 minutes (its ${local.latency_metric} metric)."
        threshold          = local.thresholds.service_latency_p99_milliseconds
        evaluation_periods = 3
        datapoints         = 3
        math = {
          id         = "p99"
          label      = "latency p99 (ms)"
          expression = "IF(requests >= ${local.thresholds.minimum_requests}, latency, 0)"
        }
        queries = {
          latency  = merge(local.service_metric[name], { metric_name = local.latency_metric, stat = "p99" })
          requests = merge(local.service_metric[name], { metric_name = local.latency_metric, stat = "SampleCount" })
        }
      }
    },
    {
      "${var.payments_service_name}-failure-rate" = {
        description = "More than ${local.thresholds.payment_failure_rate_percent}% of the charges of ${var.payments_service_name} failed for good in 15 minutes, at least ${local.thresholds.minimum_errors} of them (${local.payment_failed_metric} / (${local.payment_failed_metric} + ${local.payment_charge_metric}))."
        threshold   = local.thresholds.payment_failure_rate_percent
        math = {
          id         = "rate"
          label      = "failed charges, % of charges"
          expression = "IF(FILL(failed, 0) >= ${local.thresholds.minimum_errors}, 100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0)), 0)"
        }
        queries = {
          failed    = merge(local.service_metric[var.payments_service_name], { metric_name = local.payment_failed_metric, period = local.business_period })
          succeeded = merge(local.service_metric[var.payments_service_name], { metric_name = local.payment_charge_metric, period = local.business_period })
        }
      }

      "${var.reminders_service_name}-reminder-lag" = {
        description = "Reminders of ${var.reminders_service_name} went out more than ${local.thresholds.reminder_lag_p99_milliseconds} ms after their due time (p99 over 15 minutes, its ${local.reminder_lag_metric} metric): the scheduler or the schedule handler is falling behind."
        threshold   = local.thresholds.reminder_lag_p99_milliseconds
        queries = {
          lag = merge(local.service_metric[var.reminders_service_name], { metric_name = local.reminder_lag_metric, stat = "p99", period = local.business_period })
        }
      }
    },
  )

  alarm_defaults = {
    comparison         = "GreaterThanThreshold"
    evaluation_periods = 1
    datapoints         = null
    math               = null
  }
  # The statistics CloudWatch names as such; any other (`p99`) is an extended statistic.
  alarm_statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]

  # The alarms the resource creates (with alarms on): `metric` is the one metric an alarm without
  # math reads.
  created_alarms = {
    for name, alarm in local.alarms : name => merge(local.alarm_defaults, alarm, {
      metric = lookup(alarm, "math", null) == null ? one(values(alarm.queries)) : null
    }) if var.enable_alarms
  }
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
