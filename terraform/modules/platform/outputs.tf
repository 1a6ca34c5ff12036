output "http_api_id" {
  description = "Id of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
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
