/**
 * What an environment is doing, in one CloudWatch dashboard (`tessera-<env>`), and the alarms on
 * Tessera's own metrics (alarms.tf). Both are built from what the other modules already know (each
 * service's functions, queues and dead-letter queues, the APIs, the publisher) and from the metric
 * catalog, `terraform/metrics.json` (written by `scripts/generate.ts` from
 * `packages/shared/src/metrics/catalog.ts`): its namespace, dimensions and status classes, and every
 * metric name used here, which a precondition holds to the catalog (ADR 0038).
 *
 * Tessera's metrics are CloudWatch Embedded Metric Format lines in the functions' logs: every one
 * carries the dimensions `service` and `environment`, and `Requests` and `Latency` also come per
 * `operation` (and `Requests` per `statusClass`). Where a widget shows a metric whatever service
 * moves it (the bookings funnel, payments, sockets, events), or per operation, it uses a SEARCH
 * expression over the environment's metrics, so no service or operation is named here by hand.
 *
 * The alarms on AWS's metrics sit with what they watch: a function's errors and throttles in the
 * lambda-function module, a queue's and a dead-letter queue's in the service module, the APIs' error
 * rates and latencies and the publisher's lag in the platform module.
 */

data "aws_region" "current" {}

locals {
  # The closed sets (environments, log levels, log retentions), written once for every module.
  conventions = jsondecode(file("${path.module}/../../conventions.json"))
  catalog     = jsondecode(file(coalesce(var.metrics_path, "${path.module}/../../metrics.json")))

  # `id` is the region name with provider 5.x and 6.x alike.
  region = data.aws_region.current.id
  # One point per 5 minutes, as the alarms evaluate.
  period    = 300
  namespace = local.catalog.namespace

  # The catalog's metrics the dashboard and the alarms name, by the widget or alarm that shows them.
  # The precondition below holds each to the catalog; the module's tests hold every metric of the
  # catalog to a widget.
  requests_metric       = "Requests"
  latency_metric        = "Latency"
  cold_starts_metric    = "ColdStarts"
  reminders_metric      = "RemindersSent"
  reminder_lag_metric   = "ReminderLag"
  bookings_metrics      = ["BookingsCreated", "BookingsConfirmed", "BookingsCancelled", "BookingsExpired"]
  payments_metrics      = ["PaymentsSucceeded", "PaymentsFailed", "PaymentsRefunded"]
  payment_failed_metric = "PaymentsFailed"
  payment_charge_metric = "PaymentsSucceeded"
  socket_metrics        = ["SocketsConnected", "SocketsDisconnected"]
  notification_metrics  = ["NotificationsPushed", "NotificationsDropped"]
  login_metrics         = ["LoginFailures", "LoginLockouts"]
  event_metrics         = ["EventDeliveries", "EventDuplicates", "EventFailures", "BatchItemFailures"]
  publisher_metrics     = ["EventsPublished", "PublishFailures"]

  dashboard_metric_names = distinct(concat(
    [local.requests_metric, local.latency_metric, local.cold_starts_metric, local.reminders_metric, local.reminder_lag_metric],
    local.bookings_metrics, local.payments_metrics, local.socket_metrics, local.notification_metrics,
    local.login_metrics, local.event_metrics, local.publisher_metrics,
  ))
  metric_names       = distinct(concat(local.dashboard_metric_names, [local.payment_failed_metric, local.payment_charge_metric]))
  unknown_metrics    = sort(setsubtract(local.metric_names, keys(local.catalog.metrics)))
  server_error_class = "5xx"
  client_error_class = "4xx"

  # The services with contract operations (their requests and latency have widgets and alarms), and
  # everything that runs: every service's functions and the publisher's, the queues, the dead-letter
  # queues.
  http_services      = { for service in var.services : service.name => service if service.http_integration != null }
  http_service_names = sort(keys(local.http_services))
  deployable_names   = sort(concat([for service in var.services : service.name], [var.publisher.name]))
  function_names     = sort(concat(flatten([for service in var.services : service.lambda_function_names]), [var.publisher.lambda_function_name]))
  queue_names        = sort(flatten([for service in var.services : service.sqs_queue_names]))
  dead_letter_names  = sort(flatten([for service in var.services : service.sqs_queue_dead_letter_names]))

  # A SEARCH over this environment's metrics with the base dimensions, whatever service moves them.
  search_by_service = {
    for name in local.metric_names : name => "SEARCH('{${local.namespace},environment,service} MetricName=\"${name}\" environment=\"${var.environment}\"', '%s', ${local.period})"
  }
  # A line per series SEARCH finds, labelled with the metric and the service that moved it.
  searches = {
    for name, search in local.search_by_service : name => {
      for stat in ["Sum", "p99"] : stat => {
        expression = format(search, stat)
        label      = "${name} $${PROP('Dim.service')}"
      }
    }
  }

  http_api      = ["ApiId", var.http_api.id, "Stage", var.http_api.stage_name]
  websocket_api = ["ApiId", var.websocket_api.id, "Stage", var.websocket_api.stage_name]

  # Every metric widget, in reading order: two a row, under the heading. A widget with nothing to show
  # (no queue targets, say) is left out.
  metric_widgets = [
    {
      title   = "Requests by service"
      metrics = [for name in local.http_service_names : [local.namespace, local.requests_metric, "service", name, "environment", var.environment, { label = name }]]
    },
    {
      title = "Requests by status class"
      metrics = [
        for index, class in local.catalog.status_classes : [{
          id         = "class${index}"
          label      = class
          expression = "SUM(SEARCH('{${local.namespace},environment,service,statusClass} MetricName=\"${local.requests_metric}\" environment=\"${var.environment}\" statusClass=\"${class}\"', 'Sum', ${local.period}))"
        }]
      ]
    },
    {
      title   = "Server errors (5xx) by service"
      metrics = [for name in local.http_service_names : [local.namespace, local.requests_metric, "service", name, "environment", var.environment, "statusClass", local.server_error_class, { label = name }]]
    },
    {
      title   = "Client errors (4xx) by service"
      metrics = [for name in local.http_service_names : [local.namespace, local.requests_metric, "service", name, "environment", var.environment, "statusClass", local.client_error_class, { label = name }]]
    },
    {
      title = "HTTP API: requests and errors (API Gateway)"
      metrics = [
        concat(["AWS/ApiGateway", "Count"], local.http_api, [{ label = "requests" }]),
        concat(["AWS/ApiGateway", "4xx"], local.http_api, [{ label = "4xx" }]),
        concat(["AWS/ApiGateway", "5xx"], local.http_api, [{ label = "5xx" }]),
      ]
    },
    {
      title = "HTTP API: latency (API Gateway)"
      metrics = [
        concat(["AWS/ApiGateway", "Latency"], local.http_api, [{ stat = "p50", label = "latency p50" }]),
        concat(["AWS/ApiGateway", "Latency"], local.http_api, [{ stat = "p99", label = "latency p99" }]),
        concat(["AWS/ApiGateway", "IntegrationLatency"], local.http_api, [{ stat = "p99", label = "integration latency p99" }]),
      ]
    },
    {
      title   = "Latency p99 by service (in the function)"
      metrics = [for name in local.http_service_names : [local.namespace, local.latency_metric, "service", name, "environment", var.environment, { stat = "p99", label = name }]]
    },
    {
      title   = "Cold starts"
      metrics = [for name in local.deployable_names : [local.namespace, local.cold_starts_metric, "service", name, "environment", var.environment, { label = name }]]
    },
    {
      title   = "Bookings: created, confirmed, cancelled, expired"
      metrics = [for index, name in local.bookings_metrics : [merge(local.searches[name].Sum, { id = "bookings${index}" })]]
    },
    {
      title   = "Payments: succeeded, failed, refunded"
      metrics = [for index, name in local.payments_metrics : [merge(local.searches[name].Sum, { id = "payments${index}" })]]
    },
    {
      title = "Reminders: sent, and lag p99 after their due time (right)"
      metrics = [
        [merge(local.searches[local.reminders_metric].Sum, { id = "sent" })],
        [merge(local.searches[local.reminder_lag_metric].p99, { id = "lag", yAxis = "right" })],
      ]
    },
    {
      title = "Sockets: connected, disconnected; WebSocket API connects and messages"
      metrics = concat(
        [for index, name in local.socket_metrics : [merge(local.searches[name].Sum, { id = "sockets${index}" })]],
        [
          concat(["AWS/ApiGateway", "ConnectCount"], local.websocket_api, [{ label = "connects (API Gateway)" }]),
          concat(["AWS/ApiGateway", "MessageCount"], local.websocket_api, [{ label = "messages (API Gateway)" }]),
        ],
      )
    },
    {
      title   = "Notifications: pushed, dropped (connection gone)"
      metrics = [for index, name in local.notification_metrics : [merge(local.searches[name].Sum, { id = "notifications${index}" })]]
    },
    {
      title = "WebSocket API: errors, and integration latency p99 (right)"
      metrics = [
        concat(["AWS/ApiGateway", "IntegrationError"], local.websocket_api, [{ label = "integration errors" }]),
        concat(["AWS/ApiGateway", "ExecutionError"], local.websocket_api, [{ label = "execution errors" }]),
        concat(["AWS/ApiGateway", "ClientError"], local.websocket_api, [{ label = "client errors" }]),
        concat(["AWS/ApiGateway", "IntegrationLatency"], local.websocket_api, [{ stat = "p99", label = "integration latency p99", yAxis = "right" }]),
      ]
    },
    {
      title   = "Logins: failures, lockouts"
      metrics = [for index, name in local.login_metrics : [merge(local.searches[name].Sum, { id = "logins${index}" })]]
    },
    {
      title   = "Events: deliveries, duplicates, failures, batch item failures"
      metrics = [for index, name in local.event_metrics : [merge(local.searches[name].Sum, { id = "events${index}" })]]
    },
    {
      title = "Outbox publisher: published, failed; iterator age (right)"
      metrics = concat(
        [for name in local.publisher_metrics : [local.namespace, name, "service", var.publisher.name, "environment", var.environment, { label = name }]],
        [["AWS/Lambda", "IteratorAge", "FunctionName", var.publisher.lambda_function_name, { stat = "Maximum", label = "iterator age", yAxis = "right" }]],
      )
    },
    {
      title   = "Dead-letter queues: messages waiting"
      metrics = [for name in local.dead_letter_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", name, { stat = "Maximum", label = name }]]
    },
    {
      title   = "Queues: age of the oldest message (s)"
      metrics = [for name in local.queue_names : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", name, { stat = "Maximum", label = name }]]
    },
    {
      title   = "Lambda: errors"
      metrics = [for name in local.function_names : ["AWS/Lambda", "Errors", "FunctionName", name, { label = name }]]
    },
    {
      title   = "Lambda: throttles"
      metrics = [for name in local.function_names : ["AWS/Lambda", "Throttles", "FunctionName", name, { label = name }]]
    },
    {
      title   = "Lambda: duration p99"
      metrics = [for name in local.function_names : ["AWS/Lambda", "Duration", "FunctionName", name, { stat = "p99", label = name }]]
    },
  ]

  # Per service, its operations' p99 latency: one line per operation SEARCH finds.
  operation_widgets = [
    for name in local.http_service_names : {
      title = "Latency p99 by operation: ${name}"
      metrics = [[{
        id         = "operations"
        label      = "$${PROP('Dim.operation')}"
        expression = "SEARCH('{${local.namespace},environment,operation,service} MetricName=\"${local.latency_metric}\" environment=\"${var.environment}\" service=\"${name}\"', 'p99', ${local.period})"
      }]]
    }
  ]

  heading_height = 3
  widget_width   = 12
  widget_height  = 6
  shown_widgets  = [for widget in concat(slice(local.metric_widgets, 0, 8), local.operation_widgets, slice(local.metric_widgets, 8, length(local.metric_widgets))) : widget if length(widget.metrics) > 0]

  dashboard = {
    widgets = concat(
      [{
        type   = "text"
        x      = 0
        y      = 0
        width  = 2 * local.widget_width
        height = local.heading_height
        properties = {
          markdown = join("\n", [
            "# Tessera ${var.environment}",
            "Requests, errors and latency of each service (its functions' own `${local.namespace}` metrics) and of the APIs (API Gateway's), the bookings and payments funnel, reminders, sockets, events, dead-letter queues and Lambda. Built by `terraform/modules/observability` from the manifests and `terraform/metrics.json`; every point is ${local.period / 60} minutes.",
          ])
        }
      }],
      [
        for index, widget in local.shown_widgets : {
          type   = "metric"
          x      = (index % 2) * local.widget_width
          y      = local.heading_height + floor(index / 2) * local.widget_height
          width  = local.widget_width
          height = local.widget_height
          properties = merge(
            {
              region  = local.region
              view    = "timeSeries"
              stacked = false
              period  = local.period
              stat    = "Sum"
              yAxis   = { left = { min = 0 } }
            },
            widget,
          )
        }
      ],
    )
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "tessera-${var.environment}"
  dashboard_body = jsonencode(local.dashboard)

  lifecycle {
    precondition {
      condition     = length(local.unknown_metrics) == 0
      error_message = "The dashboard or an alarm names metrics the catalog (terraform/metrics.json) does not have: ${join(", ", local.unknown_metrics)}. Run `npm run generate` after changing packages/shared/src/metrics/catalog.ts, or fix the name."
    }

    precondition {
      condition     = toset(local.catalog.dimensions) == toset(["service", "environment"])
      error_message = "The widgets and alarms name the dimensions service and environment; the catalog's are ${join(", ", local.catalog.dimensions)}."
    }

    precondition {
      condition     = contains(try(local.catalog.metrics[local.requests_metric].by, []), "statusClass") && contains(try(local.catalog.metrics[local.latency_metric].by, []), "operation") && length(setsubtract([local.server_error_class, local.client_error_class], local.catalog.status_classes)) == 0
      error_message = "The widgets and alarms read ${local.requests_metric} by statusClass (${local.server_error_class}, ${local.client_error_class}) and ${local.latency_metric} by operation, which the catalog no longer publishes."
    }

    precondition {
      condition     = alltrue([for name in [local.latency_metric, local.reminder_lag_metric] : try(local.catalog.metrics[name].unit, "") == "Milliseconds"])
      error_message = "The latency and reminder lag thresholds are milliseconds: ${local.latency_metric} and ${local.reminder_lag_metric} must be Milliseconds in the catalog."
    }
  }
}
