output "http_api_id" {
  description = "Id of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "http_api_stage_name" {
  description = "Name of the HTTP API's stage (`$default`): the `Stage` dimension of its metrics."
  value       = aws_apigatewayv2_stage.this.name
}

output "http_api_endpoint" {
  description = "Base URL of the HTTP API (its `$default` stage): what clients and `TESSERA_BASE_URL` use."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "http_api_execution_arn" {
  description = "Execution ARN of the HTTP API, for Lambda permissions."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "http_api_route_keys" {
  description = "Every route of the API (`METHOD /path`), one per contract operation."
  value       = sort([for operation in local.operations : operation.route_key])
}

output "http_api_body" {
  description = "The OpenAPI definition imported into API Gateway, as JSON."
  value       = aws_apigatewayv2_api.this.body
}

output "cloudwatch_log_group_name" {
  description = "Log group of the API's access logs."
  value       = aws_cloudwatch_log_group.access.name
}

output "websocket" {
  description = "What the services need of the WebSocket API, known once the API exists (before its routes, which wait for the services' functions): `api_id`, `stage_name` and `connections_endpoint` (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`, for `ApiGatewayManagementApiClient`). Pass it to the service modules as `settings.websocket`."
  value = {
    api_id               = aws_apigatewayv2_api.websocket.id
    stage_name           = local.websocket_stage_name
    connections_endpoint = "https://${aws_apigatewayv2_api.websocket.id}.execute-api.${local.region}.${data.aws_partition.current.dns_suffix}/${local.websocket_stage_name}"
  }
}

output "websocket_api_id" {
  description = "Id of the WebSocket API."
  value       = aws_apigatewayv2_api.websocket.id
}

output "websocket_api_execution_arn" {
  description = "Execution ARN of the WebSocket API, for Lambda permissions and `execute-api:ManageConnections`."
  value       = aws_apigatewayv2_api.websocket.execution_arn
}

output "websocket_url" {
  description = "URL clients connect to (`wss://<api>.execute-api.<region>.amazonaws.com/<stage>`, with `?token=<accessToken>`)."
  value       = aws_apigatewayv2_stage.websocket.invoke_url
}

output "websocket_stage_name" {
  description = "Name of the WebSocket API's stage (the environment's name)."
  value       = aws_apigatewayv2_stage.websocket.name
}

output "websocket_route_keys" {
  description = "Every route of the WebSocket API, from the manifests' `webSocket.routes`."
  value       = sort(keys(local.websocket_route_functions))
}

output "websocket_cloudwatch_log_group_name" {
  description = "Log group of the WebSocket API's access logs."
  value       = aws_cloudwatch_log_group.websocket_access.name
}

output "event_bus_name" {
  description = "Name of the event bus services publish to (through the outbox)."
  value       = aws_cloudwatch_event_bus.this.name
}

output "event_bus_arn" {
  description = "ARN of the event bus."
  value       = local.event_bus_arn
  depends_on  = [aws_cloudwatch_event_bus.this]
}

output "publisher_lambda_function_name" {
  description = "Name of the outbox publisher function."
  value       = module.publisher.lambda_function_name
}

output "publisher" {
  description = "The outbox publisher as the observability module takes it: `name` (its manifest's name, the `service` dimension of its metrics) and `lambda_function_name`."
  value = {
    name                 = local.publisher_manifest.name
    lambda_function_name = module.publisher.lambda_function_name
  }
}

output "publisher_lambda_function_environment_variables" {
  description = "Environment variables of the outbox publisher, from its manifest."
  value       = module.publisher.lambda_function_environment_variables
}

output "publisher_iam_role_policy_document" {
  description = "The publisher role's permissions policy, as JSON."
  value       = module.publisher.iam_role_policy_document
}

output "sns_topic_arn" {
  description = "ARN of the alarm topic (null when alarms are off), known at plan time: pass it to the service modules."
  value       = local.alarm_topic_arn
}
