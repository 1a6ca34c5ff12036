# The WebSocket API of the platform, against a mocked AWS provider: no credentials, no network. The
# mocks give the API, its authorizer and its integrations fixed ids, so that runs applied against
# them (nothing is created) can compare ARNs that AWS only knows after apply.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      execution_arn = "arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5"
      api_endpoint  = "wss://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
      arn           = "arn:aws:apigateway:eu-west-1::/apis/a1b2c3d4e5"
    }
  }

  mock_resource "aws_apigatewayv2_authorizer" {
    defaults = { id = "auth01" }
  }

  mock_resource "aws_apigatewayv2_stage" {
    defaults = { invoke_url = "wss://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/tessera-dev-apigateway-cloudwatch" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/apigateway/tessera-dev-websocket" }
  }
}

variables {
  environment = "dev"
  account_id  = "111111111111"
  # The two contract services of the fixture contract, so that the HTTP API plans too.
  openapi_path = "tests/fixtures/two-services.yaml"
  service_integrations = {
    users   = { function_name = "tessera-dev-users", invoke_arn = "users-invoke-arn" }
    tickets = { function_name = "tessera-dev-tickets", invoke_arn = "tickets-invoke-arn" }
  }
  authorizer = { function_name = "tessera-dev-users-authorizer", invoke_arn = "authorizer-invoke-arn" }

  websocket_integrations = {
    notifications = {
      function_name = "tessera-dev-notifications"
      invoke_arn    = "notifications-invoke-arn"
      routes        = ["$connect", "$disconnect", "$default", "ping"]
    }
    bookings = {
      function_name = "tessera-dev-bookings"
      invoke_arn    = "bookings-invoke-arn"
      routes        = ["createBooking", "getBooking"]
    }
  }
  websocket_authorizer = { function_name = "tessera-dev-users-authorizer", invoke_arn = "authorizer-invoke-arn" }
}

run "routes_each_action_to_the_live_alias_of_its_function" {
  command = apply

  assert {
    condition     = aws_apigatewayv2_api.websocket.protocol_type == "WEBSOCKET" && aws_apigatewayv2_api.websocket.route_selection_expression == "$request.body.action"
    error_message = "One WebSocket API, routing each message by its action."
  }

  assert {
    condition     = output.websocket_route_keys == tolist(["$connect", "$default", "$disconnect", "createBooking", "getBooking", "ping"])
    error_message = "The API has exactly the routes the functions declare."
  }

  assert {
    condition = alltrue([
      for route, name in { "$connect" = "notifications", "$default" = "notifications", "ping" = "notifications", "createBooking" = "bookings", "getBooking" = "bookings" } :
      aws_apigatewayv2_route.websocket[route].target == "integrations/${aws_apigatewayv2_integration.websocket[name].id}"
    ])
    error_message = "Each route targets the integration of the function that declares it."
  }

  assert {
    condition = alltrue([
      for name, integration in aws_apigatewayv2_integration.websocket :
      integration.integration_type == "AWS_PROXY" && integration.integration_method == "POST" && integration.integration_uri == var.websocket_integrations[name].invoke_arn
    ]) && length(aws_apigatewayv2_integration.websocket) == 2
    error_message = "One Lambda proxy integration per function, to its alias's invocation URI."
  }

  assert {
    condition = alltrue([
      for route in keys(aws_apigatewayv2_route.websocket) :
      aws_apigatewayv2_route.websocket[route].route_response_selection_expression == "$default"
      && aws_apigatewayv2_route_response.websocket[route].route_response_key == "$default"
      && aws_apigatewayv2_route_response.websocket[route].route_id == aws_apigatewayv2_route.websocket[route].id
    ])
    error_message = "Every route is two-way: its function's answer goes back to the client."
  }
}

run "authorizes_the_connection_at_connect_only" {
  command = apply

  assert {
    condition = (
      aws_apigatewayv2_authorizer.websocket[0].authorizer_type == "REQUEST"
      && aws_apigatewayv2_authorizer.websocket[0].identity_sources == toset(["route.request.querystring.token"])
      && aws_apigatewayv2_authorizer.websocket[0].authorizer_uri == "authorizer-invoke-arn"
    )
    error_message = "$connect is authorized by the users authorizer, with the access token in the token query-string parameter."
  }

  assert {
    condition     = aws_apigatewayv2_route.websocket["$connect"].authorization_type == "CUSTOM" && aws_apigatewayv2_route.websocket["$connect"].authorizer_id == "auth01"
    error_message = "$connect goes through the authorizer."
  }

  assert {
    condition = alltrue([
      for route, resource in aws_apigatewayv2_route.websocket : resource.authorization_type == "NONE" && resource.authorizer_id == null if route != "$connect"
    ])
    error_message = "Messages on an authorized connection are not authorized again."
  }
}

run "lets_api_gateway_invoke_each_function_from_its_routes_only" {
  command = apply

  assert {
    condition = alltrue([
      for route, permission in aws_lambda_permission.websocket :
      permission.source_arn == "arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/dev/${route}"
      && permission.qualifier == "live" && permission.principal == "apigateway.amazonaws.com"
    ]) && length(aws_lambda_permission.websocket) == 6
    error_message = "API Gateway may invoke a function's live alias from that route of the stage only."
  }

  assert {
    condition     = aws_lambda_permission.websocket["createBooking"].function_name == "tessera-dev-bookings" && aws_lambda_permission.websocket["ping"].function_name == "tessera-dev-notifications"
    error_message = "Each route's permission is on the function that serves it."
  }

  assert {
    condition     = length(distinct([for permission in values(aws_lambda_permission.websocket) : permission.statement_id])) == 6
    error_message = "Statement ids are unique ($connect and a route named connect would not collide)."
  }

  assert {
    condition = (
      aws_lambda_permission.websocket_authorizer[0].source_arn == "arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/authorizers/auth01"
      && aws_lambda_permission.websocket_authorizer[0].function_name == "tessera-dev-users-authorizer"
      && aws_lambda_permission.websocket_authorizer[0].qualifier == "live"
    )
    error_message = "The authorizer may be invoked by this API's authorizer only."
  }
}

run "logs_and_throttles_every_route_of_its_stage" {
  command = apply

  variables {
    websocket_throttling_burst_limit = 40
    websocket_throttling_rate_limit  = 15
    access_log_retention_in_days     = 14
  }

  assert {
    condition     = aws_apigatewayv2_stage.websocket.name == "dev" && aws_apigatewayv2_stage.websocket.auto_deploy
    error_message = "One auto-deployed stage, named after the environment."
  }

  assert {
    condition = (
      aws_apigatewayv2_stage.websocket.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.websocket_access.arn
      && jsondecode(aws_apigatewayv2_stage.websocket.access_log_settings[0].format).connectionId == "$context.connectionId"
      && aws_cloudwatch_log_group.websocket_access.name == "/aws/apigateway/tessera-dev-websocket"
      && aws_cloudwatch_log_group.websocket_access.retention_in_days == 14
    )
    error_message = "Access logs are JSON (with the connection id) in a log group of the API's own, kept for the retention given."
  }

  assert {
    condition = (
      aws_apigatewayv2_stage.websocket.default_route_settings[0].throttling_burst_limit == 40
      && aws_apigatewayv2_stage.websocket.default_route_settings[0].throttling_rate_limit == 15
      && aws_apigatewayv2_stage.websocket.default_route_settings[0].data_trace_enabled == false
      && aws_apigatewayv2_stage.websocket.default_route_settings[0].logging_level == "OFF"
    )
    error_message = "Every route is throttled as given, and no message body is logged."
  }

  assert {
    condition     = aws_api_gateway_account.this.cloudwatch_role_arn == aws_iam_role.api_gateway_cloudwatch.arn
    error_message = "The account's API Gateway CloudWatch role, which WebSocket access logs need, is the platform's."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(aws_iam_role_policy.api_gateway_cloudwatch.policy).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:DescribeLogGroups",
    ])
    error_message = "The logging role writes log streams, and nothing else."
  }

  assert {
    condition = flatten([
      for statement in jsondecode(aws_iam_role_policy.api_gateway_cloudwatch.policy).Statement : statement.Resource if statement.Sid == "WriteAccessLogs"
      ]) == [
      "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/apigateway/tessera-dev-*",
      "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/apigateway/tessera-dev-*:*",
    ]
    error_message = "It writes the environment's API Gateway log groups only."
  }
}

run "hands_the_services_the_connections_endpoint_and_the_clients_the_url" {
  command = apply

  assert {
    condition = output.websocket == {
      api_id               = "a1b2c3d4e5"
      stage_name           = "dev"
      connections_endpoint = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev"
    }
    error_message = "The services get the API's id, its stage and its @connections endpoint."
  }

  assert {
    condition     = output.websocket_url == "wss://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev"
    error_message = "Clients connect to the stage's wss:// URL."
  }
}

# The pair's thresholds and dimensions are checked in platform.tftest.hcl.
run "alarms_on_failed_messages_and_integration_latency_when_enabled" {
  command = plan

  variables {
    enable_alarms = true
  }

  assert {
    condition = (
      toset([for query in aws_cloudwatch_metric_alarm.this["websocket-error-rate"].metric_query : query.metric[0].metric_name if length(query.metric) > 0]) == toset(["IntegrationError", "ExecutionError", "ConnectCount", "MessageCount"])
      && aws_cloudwatch_metric_alarm.this["websocket-error-rate"].alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:tessera-dev-alarms"])
    )
    error_message = "Failed messages of the WebSocket API, as a share of its messages, alarm the topic."
  }

  assert {
    condition = (
      contains([for query in aws_cloudwatch_metric_alarm.this["websocket-latency-p99"].metric_query : "${query.metric[0].metric_name} ${query.metric[0].stat}" if length(query.metric) > 0], "IntegrationLatency p99")
      && aws_cloudwatch_metric_alarm.this["websocket-latency-p99"].ok_actions == toset(["arn:aws:sns:eu-west-1:111111111111:tessera-dev-alarms"])
    )
    error_message = "The WebSocket API's p99 integration latency alarms the topic (a WebSocket API has no 5xx or Latency metric)."
  }
}

run "refuses_a_route_two_functions_serve" {
  command = plan

  variables {
    websocket_integrations = {
      notifications = { function_name = "tessera-dev-notifications", invoke_arn = "notifications-invoke-arn", routes = ["$connect", "ping"] }
      bookings      = { function_name = "tessera-dev-bookings", invoke_arn = "bookings-invoke-arn", routes = ["ping"] }
    }
  }

  expect_failures = [aws_apigatewayv2_stage.websocket]
}

run "refuses_a_connect_route_without_an_authorizer" {
  command = plan

  variables {
    websocket_authorizer = null
  }

  expect_failures = [aws_apigatewayv2_stage.websocket]
}
