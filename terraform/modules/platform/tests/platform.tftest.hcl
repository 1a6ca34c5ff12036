# Plans the platform against a mocked AWS provider: no credentials, no network. The API is built
# from the contract, so these tests read the contract too and compare.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }

  # ARNs the provider checks, for the runs that apply (their resources' ids, known then).
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mocked" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:mocked" }
  }

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mocked" }
  }
}

variables {
  environment = "dev"
  account_id  = "111111111111"
  # One integration per service the contract names (users, tickets, bookings, ...), as the
  # environments give them, so the tests that plan the real contract follow it as services join.
  service_integrations = {
    for service in distinct(flatten([
      for path, item in yamldecode(file("../../../openapi/api.yaml")).paths : [
        for method, operation in item : operation["x-tessera-service"] if can(operation["x-tessera-service"])
      ]
    ])) :
    service => {
      function_name = "tessera-dev-${service}"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-${service}:live/invocations"
    }
  }
  authorizer = {
    function_name = "tessera-dev-users-authorizer"
    invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-users-authorizer:live/invocations"
  }
  table_streams = {
    users = {
      table_name = "tessera-dev-users"
      stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-users/stream/2025-01-01T00:00:00.000"
    }
  }
}

run "has_one_route_per_contract_operation" {
  command = plan

  variables {
    contract = yamldecode(file("../../../openapi/api.yaml"))
    methods  = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
  }

  assert {
    condition = toset(flatten([
      for path, item in jsondecode(aws_apigatewayv2_api.this.body).paths : [
        for method, operation in item : "${upper(method)} ${path}" if contains(var.methods, method)
      ]
      ])) == toset(flatten([
      for path, item in var.contract.paths : [
        for method, operation in item : "${upper(method)} ${path}" if contains(var.methods, method)
      ]
    ]))
    error_message = "The API has a route for every contract operation and no other."
  }

  assert {
    condition = alltrue(flatten([
      for path, item in jsondecode(aws_apigatewayv2_api.this.body).paths : [
        for method, operation in item :
        operation["x-amazon-apigateway-integration"].uri == var.service_integrations[var.contract.paths[path][method]["x-tessera-service"]].invoke_arn
        && operation["x-amazon-apigateway-integration"].payloadFormatVersion == "2.0"
        && operation["x-amazon-apigateway-integration"].type == "aws_proxy"
        if contains(var.methods, method)
      ]
    ]))
    error_message = "Every route invokes the live alias of the service that owns the operation, with payload 2.0."
  }

  assert {
    condition     = length(output.http_api_route_keys) == length(distinct(output.http_api_route_keys)) && contains(output.http_api_route_keys, "GET /v1/users/{userId}")
    error_message = "Route keys are unique and include the contract's paths verbatim."
  }

  assert {
    condition     = !strcontains(aws_apigatewayv2_api.this.body, "x-tessera-")
    error_message = "Tessera's own extensions are stripped from what API Gateway imports."
  }

  assert {
    condition     = keys(jsondecode(aws_apigatewayv2_api.this.body).components) == ["securitySchemes"]
    error_message = "API Gateway imports routes and the authorizer only, not schemas (see main.tf)."
  }
}

run "guards_secured_operations_with_the_caching_authorizer" {
  command = plan

  variables {
    contract = yamldecode(file("../../../openapi/api.yaml"))
    methods  = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
  }

  assert {
    condition = alltrue(flatten([
      for path, item in var.contract.paths : [
        for method, operation in item :
        length(try(jsondecode(aws_apigatewayv2_api.this.body).paths[path][method].security, [])) == length(try(operation.security, var.contract.security))
        if contains(var.methods, method)
      ]
    ]))
    error_message = "Operations the contract secures carry the bearer scheme; public ones carry none."
  }

  assert {
    condition     = !contains(keys(jsondecode(aws_apigatewayv2_api.this.body)), "security")
    error_message = "No API-wide security: each operation states its own."
  }

  assert {
    condition = jsondecode(aws_apigatewayv2_api.this.body).components.securitySchemes.bearerAuth["x-amazon-apigateway-authorizer"] == {
      type                           = "request"
      identitySource                 = "$request.header.Authorization"
      authorizerUri                  = var.authorizer.invoke_arn
      authorizerPayloadFormatVersion = "2.0"
      authorizerResultTtlInSeconds   = 300
      enableSimpleResponses          = true
    }
    error_message = "The bearer scheme is the Lambda authorizer: simple responses, payload 2.0, cached 300 s by Authorization header."
  }

  assert {
    condition     = aws_lambda_permission.authorizer.function_name == "tessera-dev-users-authorizer" && aws_lambda_permission.authorizer.qualifier == "live"
    error_message = "API Gateway may invoke the authorizer's live alias."
  }
}

run "routes_each_operation_to_its_own_service" {
  command = plan

  variables {
    openapi_path = "tests/fixtures/two-services.yaml"
    service_integrations = {
      users   = { function_name = "tessera-dev-users", invoke_arn = "users-invoke-arn" }
      tickets = { function_name = "tessera-dev-tickets", invoke_arn = "tickets-invoke-arn" }
    }
  }

  assert {
    condition     = jsondecode(aws_apigatewayv2_api.this.body).paths["/v1/tickets/{ticketId}"].get["x-amazon-apigateway-integration"].uri == "tickets-invoke-arn"
    error_message = "Ticket operations go to the tickets service."
  }

  assert {
    condition     = jsondecode(aws_apigatewayv2_api.this.body).paths["/health"].get["x-amazon-apigateway-integration"].uri == "users-invoke-arn"
    error_message = "Health goes to the users service."
  }

  assert {
    condition     = output.http_api_route_keys == tolist(["GET /health", "GET /v1/tickets", "GET /v1/tickets/{ticketId}", "POST /v1/tickets"])
    error_message = "A new operation in the contract is a new route, with nothing to list by hand."
  }

  assert {
    condition     = toset(keys(aws_lambda_permission.integration)) == toset(["users", "tickets"])
    error_message = "API Gateway may invoke every service."
  }
}

run "refuses_a_contract_service_without_an_integration" {
  command = plan

  variables {
    openapi_path = "tests/fixtures/two-services.yaml"
    service_integrations = {
      users = { function_name = "tessera-dev-users", invoke_arn = "users-invoke-arn" }
    }
  }

  expect_failures = [aws_apigatewayv2_api.this]
}

run "logs_access_as_json_and_throttles_by_default" {
  command = plan

  variables {
    throttling_burst_limit       = 50
    throttling_rate_limit        = 20
    access_log_retention_in_days = 14
  }

  assert {
    condition     = jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format).requestId == "$context.requestId"
    error_message = "Access logs are JSON with the request id."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.retention_in_days == 14
    error_message = "Access logs are kept for the retention given."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 50 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 20
    error_message = "Default throttling follows its inputs."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.name == "$default" && aws_apigatewayv2_stage.this.auto_deploy
    error_message = "One auto-deployed $default stage."
  }

  assert {
    condition     = length(aws_apigatewayv2_api.this.cors_configuration) == 0
    error_message = "No CORS unless asked for."
  }
}

run "answers_cors_for_the_origins_given" {
  command = plan

  variables {
    cors = { allow_origins = ["https://app.tessera.example"] }
  }

  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_origins == toset(["https://app.tessera.example"])
    error_message = "CORS allows the origins given."
  }

  assert {
    condition     = contains(aws_apigatewayv2_api.this.cors_configuration[0].allow_headers, "authorization")
    error_message = "CORS allows the Authorization header by default."
  }
}

run "publishes_the_outbox_of_every_table_stream" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_bus.this.name == "tessera-dev"
    error_message = "The bus is tessera-<environment>."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.outbox["users"].event_source_arn == var.table_streams.users.stream_arn
    error_message = "The publisher reads the users table's stream."
  }

  assert {
    condition = jsondecode(one(one(aws_lambda_event_source_mapping.outbox["users"].filter_criteria).filter).pattern) == {
      eventName = ["INSERT"]
      dynamodb  = { NewImage = { pk = { S = [{ prefix = "OUTBOX#" }] } } }
    }
    error_message = "Only inserts of outbox items reach the publisher."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.outbox["users"].function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The publisher reports partial batch failures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.outbox["users"].starting_position == "TRIM_HORIZON" && aws_lambda_event_source_mapping.outbox["users"].maximum_retry_attempts == -1 && aws_lambda_event_source_mapping.outbox["users"].maximum_record_age_in_seconds == -1
    error_message = "No outbox record is skipped: start at the oldest, retry until the record expires."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.outbox["users"].function_name == "arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-publisher:live"
    error_message = "The mapping invokes the publisher's live alias."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(output.publisher_iam_role_policy_document).Statement : statement.Resource if statement.Sid == "ReadTableStreams" || statement.Sid == "PutEventsOnBus"])) == toset([
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-users/stream/*",
      "arn:aws:events:eu-west-1:111111111111:event-bus/tessera-dev",
    ])
    error_message = "The publisher reads only the tables' streams and puts events only on the bus."
  }

  assert {
    condition = alltrue(flatten([
      for statement in jsondecode(output.publisher_iam_role_policy_document).Statement : [
        for action in statement.Action : !strcontains(action, "*")
      ]
    ]))
    error_message = "No statement grants a wildcard action."
  }
}

run "configures_the_publisher_from_its_manifest" {
  command = plan

  assert {
    condition     = output.publisher_lambda_function_name == "tessera-dev-publisher"
    error_message = "The publisher is tessera-<environment>-<its manifest's function>."
  }

  assert {
    condition = output.publisher_lambda_function_environment_variables == tomap({
      EVENT_BUS_NAME       = "tessera-dev"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "dev"
    })
    error_message = "The publisher gets the bus's name, as packages/shared/publisher.json says, its log level and the environment's name (its metrics' environment dimension)."
  }
}

run "reads_another_publisher_manifest_the_same_way" {
  command = plan

  variables {
    publisher_manifest_path = "tests/fixtures/publisher.json"
  }

  assert {
    condition     = output.publisher_lambda_function_name == "tessera-dev-relay"
    error_message = "The function that reads the table streams is the publisher, whatever its name."
  }

  assert {
    condition = output.publisher_lambda_function_environment_variables == tomap({
      BUS                  = "tessera-dev"
      SOURCE_PREFIX        = "tessera."
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "dev"
    })
    error_message = "The bus and literal values reach the publisher, named as its manifest names them."
  }
}

run "refuses_a_publisher_variable_the_platform_cannot_give" {
  command = plan

  variables {
    publisher_manifest_path = "tests/fixtures/publisher-with-a-table.json"
  }

  expect_failures = [aws_cloudwatch_event_bus.this]
}

run "alarms_only_when_enabled" {
  command = plan

  assert {
    condition     = length(aws_sns_topic.this) == 0 && output.sns_topic_arn == null && length(aws_cloudwatch_metric_alarm.this) == 0
    error_message = "No topic and no alarms by default."
  }
}

# Applied against the mocked provider, so that the APIs have ids the alarms' dimensions can be
# compared with.
run "alarms_on_each_apis_error_rate_and_latency_and_on_stream_lag_when_enabled" {
  command = apply

  variables {
    enable_alarms         = true
    alarm_email_addresses = ["oncall@tessera.example"]
    topic_arn             = "arn:aws:sns:eu-west-1:111111111111:tessera-dev-alarms"
  }

  override_resource {
    target = aws_apigatewayv2_api.this
    values = { id = "h1t2t3p4a5", execution_arn = "arn:aws:execute-api:eu-west-1:111111111111:h1t2t3p4a5" }
  }

  override_resource {
    target = aws_apigatewayv2_api.websocket
    values = { id = "w1s2o3c4k5", execution_arn = "arn:aws:execute-api:eu-west-1:111111111111:w1s2o3c4k5" }
  }

  assert {
    condition     = aws_sns_topic.this[0].name == "tessera-dev-alarms" && aws_sns_topic_subscription.email["oncall@tessera.example"].protocol == "email"
    error_message = "Alarms go to a topic with the on-call subscribed."
  }

  assert {
    condition     = output.sns_topic_arn == var.topic_arn
    error_message = "The topic's ARN is built from its name, so plans show where every alarm goes."
  }

  assert {
    condition = alltrue([
      for alarm in [
        aws_cloudwatch_metric_alarm.this["http-5xx-rate"], aws_cloudwatch_metric_alarm.this["http-latency-p99"],
        aws_cloudwatch_metric_alarm.this["websocket-error-rate"], aws_cloudwatch_metric_alarm.this["websocket-latency-p99"],
        aws_cloudwatch_metric_alarm.this["publisher-iterator-age"],
      ] :
      alarm.alarm_actions == toset([var.topic_arn]) && alarm.ok_actions == toset([var.topic_arn]) && alarm.treat_missing_data == "notBreaching"
    ])
    error_message = "The platform's alarms go to the alarm topic, and back to OK; no data is no page."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["http-5xx-rate"].alarm_name == "tessera-dev-http-5xx-rate"
      && aws_cloudwatch_metric_alarm.this["http-5xx-rate"].threshold == 1
      && aws_cloudwatch_metric_alarm.this["http-5xx-rate"].comparison_operator == "GreaterThanThreshold"
      && one([for query in aws_cloudwatch_metric_alarm.this["http-5xx-rate"].metric_query : query.expression if length(query.metric) == 0]) == "IF(FILL(errors, 0) >= 3, 100 * FILL(errors, 0) / requests, 0)"
      && { for query in aws_cloudwatch_metric_alarm.this["http-5xx-rate"].metric_query : query.id => [query.metric[0].metric_name, query.metric[0].stat, query.metric[0].dimensions] if length(query.metric) > 0 } == {
        errors   = ["5xx", "Sum", tomap({ ApiId = "h1t2t3p4a5", Stage = "$default" })]
        requests = ["Count", "Sum", tomap({ ApiId = "h1t2t3p4a5", Stage = "$default" })]
      }
    )
    error_message = "The HTTP API alarms on its 5xx answers above 1% of its requests, with at least 3 of them."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["http-latency-p99"].threshold == 2000
      && aws_cloudwatch_metric_alarm.this["http-latency-p99"].evaluation_periods == 3
      && aws_cloudwatch_metric_alarm.this["http-latency-p99"].datapoints_to_alarm == 3
      && one([for query in aws_cloudwatch_metric_alarm.this["http-latency-p99"].metric_query : query.expression if length(query.metric) == 0]) == "IF(requests >= 20, latency, 0)"
      && { for query in aws_cloudwatch_metric_alarm.this["http-latency-p99"].metric_query : query.id => [query.metric[0].metric_name, query.metric[0].stat, query.metric[0].dimensions.ApiId] if length(query.metric) > 0 } == {
        latency  = ["Latency", "p99", "h1t2t3p4a5"]
        requests = ["Count", "Sum", "h1t2t3p4a5"]
      }
    )
    error_message = "The HTTP API alarms on its p99 latency above 2 s for 15 minutes, over at least 20 requests each 5 minutes."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["websocket-error-rate"].alarm_name == "tessera-dev-websocket-error-rate"
      && aws_cloudwatch_metric_alarm.this["websocket-error-rate"].threshold == 5
      && { for query in aws_cloudwatch_metric_alarm.this["websocket-error-rate"].metric_query : query.id => [query.metric[0].metric_name, query.metric[0].dimensions] if length(query.metric) > 0 } == {
        integration_errors = ["IntegrationError", tomap({ ApiId = "w1s2o3c4k5", Stage = "dev" })]
        execution_errors   = ["ExecutionError", tomap({ ApiId = "w1s2o3c4k5", Stage = "dev" })]
        connects           = ["ConnectCount", tomap({ ApiId = "w1s2o3c4k5", Stage = "dev" })]
        messages           = ["MessageCount", tomap({ ApiId = "w1s2o3c4k5", Stage = "dev" })]
      }
    )
    error_message = "The WebSocket API alarms on its failed messages (integration and execution errors) above 5% of what it carried."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["websocket-latency-p99"].threshold == 2000
      && { for query in aws_cloudwatch_metric_alarm.this["websocket-latency-p99"].metric_query : query.id => [query.metric[0].metric_name, query.metric[0].stat] if length(query.metric) > 0 } == {
        latency  = ["IntegrationLatency", "p99"]
        connects = ["ConnectCount", "Sum"]
        messages = ["MessageCount", "Sum"]
      }
    )
    error_message = "The WebSocket API alarms on its p99 integration latency."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["publisher-iterator-age"].metric_name == "IteratorAge" && aws_cloudwatch_metric_alarm.this["publisher-iterator-age"].threshold == 300000
    error_message = "The publisher's lag raises an alarm at 5 minutes."
  }

  assert {
    condition     = module.publisher.cloudwatch_metric_alarm_names == ["tessera-dev-publisher-errors", "tessera-dev-publisher-throttles"]
    error_message = "The publisher alarms on its errors and throttles."
  }
}

run "takes_its_alarm_thresholds_from_the_variable" {
  command = plan

  variables {
    enable_alarms = true
    alarm_thresholds = {
      http_5xx_rate_percent               = 2.5
      websocket_latency_p99_milliseconds  = 800
      publisher_iterator_age_milliseconds = 60000
      minimum_errors                      = 10
      minimum_requests                    = 100
    }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["http-5xx-rate"].threshold == 2.5
      && strcontains(one([for query in aws_cloudwatch_metric_alarm.this["http-5xx-rate"].metric_query : query.expression if length(query.metric) == 0]), ">= 10,")
      && strcontains(one([for query in aws_cloudwatch_metric_alarm.this["http-latency-p99"].metric_query : query.expression if length(query.metric) == 0]), ">= 100,")
      && aws_cloudwatch_metric_alarm.this["http-latency-p99"].threshold == 2000
      && aws_cloudwatch_metric_alarm.this["websocket-latency-p99"].threshold == 800
      && aws_cloudwatch_metric_alarm.this["websocket-error-rate"].threshold == 5
      && aws_cloudwatch_metric_alarm.this["publisher-iterator-age"].threshold == 60000
    )
    error_message = "Each threshold is the variable's, the others keep their defaults."
  }
}

run "refuses_a_rate_threshold_out_of_range" {
  command = plan

  variables {
    alarm_thresholds = { http_5xx_rate_percent = 0, websocket_error_rate_percent = 120 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "refuses_a_minimum_that_is_no_whole_number" {
  command = plan

  variables {
    alarm_thresholds = { minimum_errors = 0.5 }
  }

  expect_failures = [var.alarm_thresholds]
}

run "names_the_publisher_and_the_http_stage_for_the_dashboard" {
  command = plan

  assert {
    condition     = output.publisher == { name = "publisher", lambda_function_name = "tessera-dev-publisher" } && output.http_api_stage_name == "$default"
    error_message = "The publisher's name is its manifest's (the service dimension of its metrics); the HTTP API's stage is $default."
  }
}

run "refuses_a_log_level_the_publisher_does_not_parse" {
  command = plan

  variables {
    log_level = "SILENT"
  }

  expect_failures = [var.log_level]
}

run "refuses_a_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_in_days = 10
  }

  expect_failures = [var.log_retention_in_days]
}
