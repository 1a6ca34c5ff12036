output "service" {
  description = "What the environment hands the platform (and its own outputs) for this service: see the service module's `service` output."
  value       = module.service.service
}

output "lambda_function_names" {
  description = "Name of each function, by its short name in the manifest."
  value       = module.service.lambda_function_names
}

output "lambda_alias_invoke_arns" {
  description = "API Gateway invocation URI of each function's `live` alias, by short name."
  value       = module.service.lambda_alias_invoke_arns
}

output "lambda_function_environment_variables" {
  description = "Environment variables each function runs with, by short name (secrets appear as `ssm:` references)."
  value       = module.service.lambda_function_environment_variables
}

output "iam_role_policy_documents" {
  description = "Each function role's permissions policy, as JSON, by short name."
  value       = module.service.iam_role_policy_documents
}

output "dynamodb_table_name" {
  description = "Name of the service's table."
  value       = module.service.dynamodb_table_name
}

output "dynamodb_table_stream_arn" {
  description = "ARN of the table's stream, which feeds the outbox publisher."
  value       = module.service.dynamodb_table_stream_arn
}

output "ssm_parameter_names" {
  description = "Name of each secret's SSM parameter, by secret id: what `scripts/rotate-jwt-keys.ts` writes."
  value       = module.service.ssm_parameter_names
}

output "cloudwatch_event_rule_names" {
  description = "Names of the EventBridge rules of the service's subscriptions, by subscription name."
  value       = module.service.cloudwatch_event_rule_names
}
