output "lambda_function_name" {
  description = "Name of the users function."
  value       = module.service.lambda_function_name
}

output "lambda_alias_arn" {
  description = "ARN of the users function's `live` alias."
  value       = module.service.lambda_alias_arn
}

output "lambda_alias_invoke_arn" {
  description = "API Gateway invocation URI of the users function's `live` alias."
  value       = module.service.lambda_alias_invoke_arn
}

output "authorizer_lambda_function_name" {
  description = "Name of the authorizer function."
  value       = module.authorizer.lambda_function_name
}

output "authorizer_lambda_alias_arn" {
  description = "ARN of the authorizer's `live` alias."
  value       = module.authorizer.lambda_alias_arn
}

output "authorizer_lambda_alias_invoke_arn" {
  description = "API Gateway invocation URI of the authorizer's `live` alias."
  value       = module.authorizer.lambda_alias_invoke_arn
}

output "dynamodb_table_name" {
  description = "Name of the users table."
  value       = module.service.dynamodb_table_name
}

output "dynamodb_table_arn" {
  description = "ARN of the users table."
  value       = module.service.dynamodb_table_arn
}

output "dynamodb_table_stream_arn" {
  description = "ARN of the users table's stream, which feeds the outbox publisher."
  value       = module.service.dynamodb_table_stream_arn
}

output "ssm_parameter_names" {
  description = "Names of the key material parameters, by role: `jwt-private-keys`, `jwt-public-keys`, `cursor-secret`."
  value       = { for name, parameter in aws_ssm_parameter.this : name => parameter.name }
}

output "iam_role_policy_document" {
  description = "The users function role's permissions policy, as JSON."
  value       = module.service.iam_role_policy_document
}

output "authorizer_iam_role_policy_document" {
  description = "The authorizer role's permissions policy, as JSON."
  value       = module.authorizer.iam_role_policy_document
}

output "lambda_function_environment_variables" {
  description = "Environment variables of the users function (no secrets: references to SSM parameters)."
  value       = module.service.lambda_function_environment_variables
}

output "authorizer_lambda_function_environment_variables" {
  description = "Environment variables of the authorizer function."
  value       = module.authorizer.lambda_function_environment_variables
}
