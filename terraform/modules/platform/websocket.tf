# The WebSocket API: live notifications and the booking commands (docs/websocket.md). Its routes
# come from the manifests: each function that declares `webSocket.routes` is one AWS_PROXY
# integration to its `live` alias, and each of its routes one route to that integration; the
# function that is `webSocket: authorizer` guards `$connect` (a REQUEST authorizer on the `token`
# query-string parameter, answering an IAM policy). Nothing here lists routes or functions.
#
# Every route is two-way (route response `$default`): what the function returns is the answer to
# the client (`pong`, a booking command's response). Only `$connect` is authorized; a message on an
# open connection is the connection's, already authorized.
#
# API Gateway's id is known only after apply, so the services get the @connections endpoint from
# the `websocket` output (the API alone, not its stage or routes, which wait for the services'
# functions), and the notifications role names the API through its tag (service module, ADR 0031).

locals {
  websocket_api_name   = "tessera-${var.environment}-websocket"
  websocket_stage_name = var.environment

  # Route key => the short name of the function that serves it.
  websocket_route_functions = merge([
    for name, integration in var.websocket_integrations : { for route in integration.routes : route => name }
  ]...)
  websocket_route_count = length(flatten([for integration in values(var.websocket_integrations) : integration.routes]))

  websocket_access_log_format = {
    requestId          = "$context.requestId"
    requestTime        = "$context.requestTime"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    eventType          = "$context.eventType"
    routeKey           = "$context.routeKey"
    connectionId       = "$context.connectionId"
    messageId          = "$context.messageId"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    integrationStatus  = "$context.integration.status"
    integrationLatency = "$context.integration.latency"
    integrationError   = "$context.integration.error"
    authorizerStatus   = "$context.authorizer.status"
    authorizerError    = "$context.authorizer.error"
    errorMessage       = "$context.error.message"
  }
}

resource "aws_apigatewayv2_api" "websocket" {
  name                       = local.websocket_api_name
  description                = "Tessera WebSocket API (${var.environment}): live notifications and the booking commands, routed by the message's action."
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"

  tags = var.tags
}

resource "aws_apigatewayv2_authorizer" "websocket" {
  count = var.websocket_authorizer == null ? 0 : 1

  api_id           = aws_apigatewayv2_api.websocket.id
  name             = "${local.websocket_api_name}-connect"
  authorizer_type  = "REQUEST"
  authorizer_uri   = var.websocket_authorizer.invoke_arn
  identity_sources = ["route.request.querystring.token"]
  # WebSocket APIs cache no authorizer answers: `$connect` runs once per connection anyway.
}

resource "aws_apigatewayv2_integration" "websocket" {
  for_each = var.websocket_integrations

  api_id             = aws_apigatewayv2_api.websocket.id
  description        = "The live alias of ${each.value.function_name}."
  integration_type   = "AWS_PROXY"
  integration_method = "POST"
  integration_uri    = each.value.invoke_arn
}

resource "aws_apigatewayv2_route" "websocket" {
  for_each = local.websocket_route_functions

  api_id    = aws_apigatewayv2_api.websocket.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.websocket[each.value].id}"

  authorization_type = each.key == "$connect" ? "CUSTOM" : "NONE"
  authorizer_id      = each.key == "$connect" ? one(aws_apigatewayv2_authorizer.websocket[*].id) : null

  route_response_selection_expression = "$default"
}

resource "aws_apigatewayv2_route_response" "websocket" {
  for_each = local.websocket_route_functions

  api_id             = aws_apigatewayv2_api.websocket.id
  route_id           = aws_apigatewayv2_route.websocket[each.key].id
  route_response_key = "$default"
}

resource "aws_cloudwatch_log_group" "websocket_access" {
  name              = "/aws/apigateway/${local.websocket_api_name}"
  retention_in_days = var.access_log_retention_in_days

  tags = var.tags
}

# Unlike an HTTP API, a WebSocket stage logs through the account's API Gateway CloudWatch role, a
# setting of the account and region: the platform sets it to a role that may write the
# environment's API Gateway log groups only.
resource "aws_iam_role" "api_gateway_cloudwatch" {
  name        = "tessera-${var.environment}-apigateway-cloudwatch"
  description = "Assumed by API Gateway to write the access logs of tessera-${var.environment}'s APIs (the account's API Gateway CloudWatch role)."

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ApiGatewayAssumesRole"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "apigateway.amazonaws.com" }
      },
    ]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "api_gateway_cloudwatch" {
  name = "tessera-${var.environment}-apigateway-cloudwatch-permissions"
  role = aws_iam_role.api_gateway_cloudwatch.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "WriteAccessLogs"
        Effect = "Allow"
        Action = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = [
          "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:/aws/apigateway/tessera-${var.environment}-*",
          "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:/aws/apigateway/tessera-${var.environment}-*:*",
        ]
      },
      {
        Sid      = "FindLogGroups"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = ["arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:*"]
      },
    ]
  })
}

resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = aws_iam_role.api_gateway_cloudwatch.arn

  depends_on = [aws_iam_role_policy.api_gateway_cloudwatch]
}

resource "aws_apigatewayv2_stage" "websocket" {
  api_id      = aws_apigatewayv2_api.websocket.id
  name        = local.websocket_stage_name
  description = "Deploys every change of the routes at once."
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.websocket_access.arn
    format          = jsonencode(local.websocket_access_log_format)
  }

  # Execution logs stay off: API Gateway would write them to log groups of its own, which keep
  # everything forever; the access log carries each message's status and errors.
  default_route_settings {
    throttling_burst_limit = var.websocket_throttling_burst_limit
    throttling_rate_limit  = var.websocket_throttling_rate_limit
    data_trace_enabled     = false
    logging_level          = "OFF"
  }

  tags = var.tags

  # The stage deploys the routes, and logs through the account's role.
  depends_on = [aws_api_gateway_account.this, aws_apigatewayv2_route.websocket, aws_apigatewayv2_route_response.websocket]

  # Checked here rather than on the API: the API comes before the services' functions (they read
  # its endpoint), the routes and the stage after them.
  lifecycle {
    precondition {
      condition     = local.websocket_route_count == length(local.websocket_route_functions)
      error_message = "A WebSocket route is served by more than one function: ${join(", ", [for route, name in local.websocket_route_functions : route if length([for integration in values(var.websocket_integrations) : integration if contains(integration.routes, route)]) > 1])}."
    }

    precondition {
      condition     = !contains(keys(local.websocket_route_functions), "$connect") || var.websocket_authorizer != null
      error_message = "The WebSocket API has a $connect route but no authorizer: a function with `webSocket: authorizer` guards it."
    }
  }
}

# Who may invoke what: each route's function, through its live alias, from that route of this stage
# only; the authorizer from this API's authorizer only.
resource "aws_lambda_permission" "websocket" {
  for_each = local.websocket_route_functions

  statement_id  = "AllowWebSocketRoute-${replace(each.key, "$", "_")}"
  action        = "lambda:InvokeFunction"
  function_name = var.websocket_integrations[each.value].function_name
  qualifier     = var.websocket_integrations[each.value].qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.websocket.execution_arn}/${local.websocket_stage_name}/${each.key}"
}

resource "aws_lambda_permission" "websocket_authorizer" {
  count = var.websocket_authorizer == null ? 0 : 1

  statement_id  = "AllowWebSocketApiAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = var.websocket_authorizer.function_name
  qualifier     = var.websocket_authorizer.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.websocket.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.websocket[0].id}"
}
