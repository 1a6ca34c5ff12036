output "lambda_function_name" {
  description = "Name of the tickets function."
  value       = module.service.lambda_function_name
}

output "lambda_alias_invoke_arn" {
  description = "API Gateway invocation URI of the function's `live` alias."
  value       = module.service.lambda_alias_invoke_arn
}

output "dynamodb_table_name" {
  description = "Name of the tickets table."
  value       = module.service.dynamodb_table_name
}

output "dynamodb_table_stream_arn" {
  description = "ARN of the tickets table's stream, for the outbox publisher."
  value       = module.service.dynamodb_table_stream_arn
}

output "cloudwatch_event_rule_names" {
  description = "Names of the EventBridge rules of the subscriptions."
  value       = module.service.cloudwatch_event_rule_names
}

output "ssm_parameter_cursor_secret_name" {
  description = "Name of the SSM parameter holding the cursor secret."
  value       = aws_ssm_parameter.cursor_secret.name
}

output "iam_role_policy_document" {
  description = "The function's IAM policy, as JSON."
  value       = module.service.iam_role_policy_document
}
