# Plans the dashboard and the alarms against a mocked AWS provider, for services shaped as the
# service module's `service` output gives them, and the real metric catalog (terraform/metrics.json).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
}

variables {
  environment = "staging"
  services = [
    {
      name                        = "users"
      lambda_function_names       = ["tessera-staging-users", "tessera-staging-users-authorizer"]
      http_integration            = { function_name = "tessera-staging-users" }
      sqs_queue_names             = []
      sqs_queue_dead_letter_names = []
    },
    {
      name                        = "bookings"
      lambda_function_names       = ["tessera-staging-bookings"]
      http_integration            = { function_name = "tessera-staging-bookings" }
      sqs_queue_names             = []
      sqs_queue_dead_letter_names = ["tessera-staging-bookings-events-dlq", "tessera-staging-bookings-schedules-dlq"]
    },
    {
      name                        = "payments"
      lambda_function_names       = ["tessera-staging-payments"]
      http_integration            = { function_name = "tessera-staging-payments" }
      sqs_queue_names             = ["tessera-staging-payments-charges"]
      sqs_queue_dead_letter_names = ["tessera-staging-payments-charges-dlq", "tessera-staging-payments-events-dlq"]
    },
    {
      # A service with no contract operations: charted, never alarmed on requests.
      name                        = "mailer"
      lambda_function_names       = ["tessera-staging-mailer"]
      http_integration            = null
      sqs_queue_names             = []
      sqs_queue_dead_letter_names = ["tessera-staging-mailer-events-dlq"]
    },
  ]
  publisher              = { name = "publisher", lambda_function_name = "tessera-staging-publisher" }
  http_api               = { id = "h1t2t3p4a5", stage_name = "$default" }
  websocket_api          = { id = "w1s2o3c4k5", stage_name = "staging" }
  payments_service_name  = "payments"
  reminders_service_name = "bookings"
  topic_arn              = "arn:aws:sns:eu-west-1:222222222222:tessera-staging-alarms"
  catalog                = jsondecode(file("../../metrics.json"))
}

run "builds_one_dashboard_for_the_environment" {
  command = plan

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "tessera-staging" && output.cloudwatch_dashboard_name == "tessera-staging"
    error_message = "The dashboard is tessera-<environment>."
  }

  assert {
    condition = alltrue([
      for widget in jsondecode(output.cloudwatch_dashboard_body).widgets : widget.properties.region == "eu-west-1" && widget.properties.period == 300 if widget.type == "metric"
    ])
    error_message = "Every metric widget is in the environment's region, one point per 5 minutes."
  }

  assert {
    condition     = startswith(jsondecode(output.cloudwatch_dashboard_body).widgets[0].properties.markdown, "# Tessera staging")
    error_message = "A heading names the environment."
  }
}

# The runs below read the body the first one planned (run blocks' variables can name no output of
# their own): the inputs are the same.

run "shows_every_metric_of_the_catalog" {
  command = plan

  assert {
    condition     = toset(output.cloudwatch_dashboard_metric_names) == toset(keys(var.catalog.metrics))
    error_message = "Every metric of terraform/metrics.json has a widget, and no widget names a metric the catalog lacks: not shown: ${join(", ", setsubtract(keys(var.catalog.metrics), output.cloudwatch_dashboard_metric_names))}; not in the catalog: ${join(", ", setsubtract(output.cloudwatch_dashboard_metric_names, keys(var.catalog.metrics)))}."
  }

  assert {
    condition = alltrue([
      for name in keys(var.catalog.metrics) :
      strcontains(output.cloudwatch_dashboard_body, "MetricName=\\\"${name}\\\"") || strcontains(output.cloudwatch_dashboard_body, "[\"${var.catalog.namespace}\",\"${name}\"")
    ])
    error_message = "Each of them is in the body, as a metric of the Tessera namespace or in a SEARCH."
  }
}

run "charts_every_function_queue_and_dead_letter_queue" {
  command = plan

  variables {
    widgets = { for widget in jsondecode(run.builds_one_dashboard_for_the_environment.cloudwatch_dashboard_body).widgets : widget.properties.title => widget.properties.metrics if widget.type == "metric" }
  }

  assert {
    condition = toset([for line in var.widgets["Lambda: errors"] : line[3]]) == toset([
      "tessera-staging-users", "tessera-staging-users-authorizer", "tessera-staging-bookings", "tessera-staging-payments", "tessera-staging-mailer", "tessera-staging-publisher",
    ]) && toset([for line in var.widgets["Lambda: throttles"] : line[3]]) == toset([for line in var.widgets["Lambda: errors"] : line[3]])
    error_message = "Every function of every service, and the publisher, has its errors and throttles charted."
  }

  assert {
    condition = [for line in var.widgets["Dead-letter queues: messages waiting"] : [line[0], line[1], line[3], line[4].stat]] == [
      for name in sort(["tessera-staging-bookings-events-dlq", "tessera-staging-bookings-schedules-dlq", "tessera-staging-payments-charges-dlq", "tessera-staging-payments-events-dlq", "tessera-staging-mailer-events-dlq"]) :
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", name, "Maximum"]
    ]
    error_message = "Every dead-letter queue's depth is charted (its most visible messages in each period)."
  }

  assert {
    condition     = [for line in var.widgets["Queues: age of the oldest message (s)"] : line[3]] == ["tessera-staging-payments-charges"]
    error_message = "Every queue target's queue has the age of its oldest message charted."
  }

  assert {
    condition     = toset([for line in var.widgets["Cold starts"] : line[3]]) == toset(["users", "bookings", "payments", "mailer", "publisher"])
    error_message = "Cold starts are charted for every service and the publisher, by the service dimension."
  }
}

run "charts_requests_errors_and_latency_of_each_http_service" {
  command = plan

  variables {
    widgets = { for widget in jsondecode(run.builds_one_dashboard_for_the_environment.cloudwatch_dashboard_body).widgets : widget.properties.title => widget.properties.metrics if widget.type == "metric" }
  }

  assert {
    condition = var.widgets["Requests by service"] == [
      for name in ["bookings", "payments", "users"] : ["Tessera", "Requests", "service", name, "environment", "staging", { label = name }]
    ]
    error_message = "Requests are charted per service with contract operations, by the service and environment dimensions."
  }

  assert {
    condition = var.widgets["Server errors (5xx) by service"] == [
      for name in ["bookings", "payments", "users"] : ["Tessera", "Requests", "service", name, "environment", "staging", "statusClass", "5xx", { label = name }]
    ] && alltrue([for line in var.widgets["Client errors (4xx) by service"] : line[7] == "4xx"])
    error_message = "Server and client errors are the Requests of the status classes 5xx and 4xx."
  }

  assert {
    condition     = [for line in var.widgets["Requests by status class"] : line[0].label] == var.catalog.status_classes && strcontains(var.widgets["Requests by status class"][3][0].expression, "statusClass=\"5xx\"")
    error_message = "One line per status class of the catalog."
  }

  assert {
    condition = alltrue([for line in var.widgets["Latency p99 by service (in the function)"] : line[1] == "Latency" && line[6].stat == "p99"]) && alltrue([
      for name in ["bookings", "payments", "users"] :
      var.widgets["Latency p99 by operation: ${name}"][0][0].expression == "SEARCH('{Tessera,environment,operation,service} MetricName=\"Latency\" environment=\"staging\" service=\"${name}\"', 'p99', 300)"
    ]) && !contains(keys(var.widgets), "Latency p99 by operation: mailer")
    error_message = "Each service's p99 latency is charted, and per operation through a SEARCH over the operation dimension."
  }

  assert {
    condition = (
      var.widgets["Bookings: created, confirmed, cancelled, expired"][0][0].expression == "SEARCH('{Tessera,environment,service} MetricName=\"BookingsCreated\" environment=\"staging\"', 'Sum', 300)"
      && var.widgets["Reminders: sent, and lag p99 after their due time (right)"][1][0].expression == "SEARCH('{Tessera,environment,service} MetricName=\"ReminderLag\" environment=\"staging\"', 'p99', 300)"
      && var.widgets["Reminders: sent, and lag p99 after their due time (right)"][1][0].yAxis == "right"
    )
    error_message = "Business metrics are found whatever service moves them; the reminder lag is its p99, on the right axis."
  }
}

run "charts_the_apis_by_id_and_stage" {
  command = plan

  variables {
    widgets = { for widget in jsondecode(run.builds_one_dashboard_for_the_environment.cloudwatch_dashboard_body).widgets : widget.properties.title => widget.properties.metrics if widget.type == "metric" }
  }

  assert {
    condition = alltrue([
      for line in var.widgets["HTTP API: requests and errors (API Gateway)"] : slice(line, 2, 6) == ["ApiId", "h1t2t3p4a5", "Stage", "$default"]
    ]) && [for line in var.widgets["HTTP API: requests and errors (API Gateway)"] : line[1]] == ["Count", "4xx", "5xx"]
    error_message = "The HTTP API's requests and errors are charted by its id and stage."
  }

  assert {
    condition = contains([for line in var.widgets["Sockets: connected, disconnected; WebSocket API connects and messages"] : try(slice(line, 0, 6), [])], [
      "AWS/ApiGateway", "ConnectCount", "ApiId", "w1s2o3c4k5", "Stage", "staging",
    ])
    error_message = "Socket connections are charted beside the WebSocket API's ConnectCount."
  }
}

run "lays_the_widgets_out_two_a_row" {
  command = plan

  variables {
    widgets = [for widget in jsondecode(run.builds_one_dashboard_for_the_environment.cloudwatch_dashboard_body).widgets : widget if widget.type == "metric"]
  }

  assert {
    condition     = alltrue([for widget in var.widgets : contains([0, 12], widget.x) && widget.width == 12 && widget.height == 6]) && length(distinct([for widget in var.widgets : "${widget.x},${widget.y}"])) == length(var.widgets)
    error_message = "Widgets are half the width, two a row, and none covers another."
  }

  assert {
    condition     = alltrue([for widget in var.widgets : length(widget.properties.metrics) > 0])
    error_message = "No widget is empty."
  }
}

run "has_no_alarms_when_alarms_are_off" {
  command = plan

  assert {
    condition     = length(output.cloudwatch_metric_alarm_names) == 0 && length(aws_cloudwatch_metric_alarm.this) == 0
    error_message = "No alarms by default; the dashboard is built all the same."
  }
}

run "alarms_on_each_http_services_5xx_rate_and_latency" {
  command = plan

  variables {
    enable_alarms   = true
    alarm_topic_arn = var.topic_arn
  }

  assert {
    condition     = toset([for name in keys(aws_cloudwatch_metric_alarm.this) : trimsuffix(name, "-5xx-rate") if endswith(name, "-5xx-rate")]) == toset(["users", "bookings", "payments"]) && toset([for name in keys(aws_cloudwatch_metric_alarm.this) : trimsuffix(name, "-latency-p99") if endswith(name, "-latency-p99")]) == toset(["users", "bookings", "payments"])
    error_message = "Every service with contract operations has its 5xx rate and latency alarms; one without has none."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["payments-5xx-rate"].alarm_name == "tessera-staging-payments-5xx-rate"
      && aws_cloudwatch_metric_alarm.this["payments-5xx-rate"].threshold == 1
      && one([for query in aws_cloudwatch_metric_alarm.this["payments-5xx-rate"].metric_query : query.expression if length(query.metric) == 0]) == "IF(FILL(errors, 0) >= 3, 100 * FILL(errors, 0) / requests, 0)"
      && { for query in aws_cloudwatch_metric_alarm.this["payments-5xx-rate"].metric_query : query.id => [query.metric[0].namespace, query.metric[0].metric_name, query.metric[0].stat, query.metric[0].dimensions] if length(query.metric) > 0 } == {
        errors   = ["Tessera", "Requests", "Sum", tomap({ service = "payments", environment = "staging", statusClass = "5xx" })]
        requests = ["Tessera", "Requests", "Sum", tomap({ service = "payments", environment = "staging" })]
      }
    )
    error_message = "A service's 5xx rate divides its 5xx Requests by all its Requests, and fires above 1% with at least 3 of them."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["users-latency-p99"].threshold == 1000
      && aws_cloudwatch_metric_alarm.this["users-latency-p99"].evaluation_periods == 3
      && one([for query in aws_cloudwatch_metric_alarm.this["users-latency-p99"].metric_query : query.expression if length(query.metric) == 0]) == "IF(requests >= 20, latency, 0)"
      && { for query in aws_cloudwatch_metric_alarm.this["users-latency-p99"].metric_query : query.id => [query.metric[0].metric_name, query.metric[0].stat, query.metric[0].dimensions] if length(query.metric) > 0 } == {
        latency  = ["Latency", "p99", tomap({ service = "users", environment = "staging" })]
        requests = ["Latency", "SampleCount", tomap({ service = "users", environment = "staging" })]
      }
    )
    error_message = "A service's latency alarm is its Latency p99 above 1 s for 15 minutes, over at least 20 requests."
  }

  assert {
    condition = alltrue([
      for alarm in values(aws_cloudwatch_metric_alarm.this) :
      alarm.alarm_actions == toset([var.topic_arn]) && alarm.ok_actions == toset([var.topic_arn]) && alarm.treat_missing_data == "notBreaching"
    ])
    error_message = "Every alarm goes to the alarm topic and back to OK; no data is no page."
  }

  assert {
    condition     = length(output.cloudwatch_metric_alarm_names) == 8 && contains(output.cloudwatch_metric_alarm_names, "tessera-staging-bookings-reminder-lag")
    error_message = "The alarm names output lists them all."
  }
}

run "alarms_on_the_payment_failure_rate_and_the_reminder_lag" {
  command = plan

  variables {
    enable_alarms   = true
    alarm_topic_arn = var.topic_arn
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["payments-failure-rate"].alarm_name == "tessera-staging-payments-failure-rate"
      && aws_cloudwatch_metric_alarm.this["payments-failure-rate"].threshold == 10
      && one([for query in aws_cloudwatch_metric_alarm.this["payments-failure-rate"].metric_query : query.expression if length(query.metric) == 0]) == "IF(FILL(failed, 0) >= 3, 100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0)), 0)"
      && { for query in aws_cloudwatch_metric_alarm.this["payments-failure-rate"].metric_query : query.id => [query.metric[0].metric_name, query.metric[0].period, query.metric[0].dimensions] if length(query.metric) > 0 } == {
        failed    = ["PaymentsFailed", 900, tomap({ service = "payments", environment = "staging" })]
        succeeded = ["PaymentsSucceeded", 900, tomap({ service = "payments", environment = "staging" })]
      }
    )
    error_message = "The payment failure rate is failed / (failed + succeeded) over 15 minutes, above 10% with at least 3 failures: one failure out of one is no page."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["bookings-reminder-lag"].namespace == "Tessera"
      && aws_cloudwatch_metric_alarm.this["bookings-reminder-lag"].metric_name == "ReminderLag"
      && aws_cloudwatch_metric_alarm.this["bookings-reminder-lag"].extended_statistic == "p99"
      && aws_cloudwatch_metric_alarm.this["bookings-reminder-lag"].dimensions == tomap({ service = "bookings", environment = "staging" })
      && aws_cloudwatch_metric_alarm.this["bookings-reminder-lag"].threshold == 300000
      && aws_cloudwatch_metric_alarm.this["bookings-reminder-lag"].period == 900
    )
    error_message = "The reminder lag alarm fires when the p99 of reminders' lateness passes 5 minutes over 15."
  }
}

run "takes_its_alarm_thresholds_from_the_variable" {
  command = plan

  variables {
    enable_alarms   = true
    alarm_topic_arn = var.topic_arn
    alarm_thresholds = {
      service_5xx_rate_percent      = 0.5
      payment_failure_rate_percent  = 25
      reminder_lag_p99_milliseconds = 60000
      minimum_errors                = 5
    }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["users-5xx-rate"].threshold == 0.5
      && strcontains(one([for query in aws_cloudwatch_metric_alarm.this["users-5xx-rate"].metric_query : query.expression if length(query.metric) == 0]), ">= 5,")
      && aws_cloudwatch_metric_alarm.this["payments-failure-rate"].threshold == 25
      && aws_cloudwatch_metric_alarm.this["bookings-reminder-lag"].threshold == 60000
      && aws_cloudwatch_metric_alarm.this["users-latency-p99"].threshold == 1000
    )
    error_message = "Each threshold is the variable's; the others keep their defaults."
  }
}

run "refuses_thresholds_out_of_range" {
  command = plan

  variables {
    alarm_thresholds = { payment_failure_rate_percent = 0, minimum_requests = 2.5 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "refuses_alarms_without_a_topic" {
  command = plan

  variables {
    enable_alarms = true
  }

  expect_failures = [var.alarm_topic_arn]
}

run "refuses_a_payments_service_that_is_none_of_the_services" {
  command = plan

  variables {
    payments_service_name = "billing"
  }

  expect_failures = [var.payments_service_name]
}

run "refuses_a_metric_the_catalog_does_not_have" {
  command = plan

  variables {
    metrics_path = "tests/fixtures/catalog-without-business-metrics.json"
  }

  expect_failures = [aws_cloudwatch_dashboard.this]
}

run "refuses_an_unknown_environment" {
  command = plan

  variables {
    environment = "qa"
  }

  expect_failures = [var.environment]
}
