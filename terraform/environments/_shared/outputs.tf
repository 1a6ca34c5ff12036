output "http_api_endpoint" {
  description = "Base URL of the API: what clients and the end-to-end suite (`TESSERA_BASE_URL`) use."
  value       = module.platform.http_api_endpoint
}

output "http_api_route_keys" {
  description = "Every route of the API, one per contract operation."
  value       = module.platform.http_api_route_keys
}

output "event_bus_name" {
  description = "Name of the event bus."
  value       = module.platform.event_bus_name
}

output "sns_topic_arn" {
  description = "ARN of the alarm topic (null when alarms are off)."
  value       = module.platform.sns_topic_arn
}

output "lambda_function_names" {
  description = "Every function of the environment, by deployable: what scripts/deploy-lambda.sh updates."
  value = {
    users     = [module.users.lambda_function_name, module.users.authorizer_lambda_function_name]
    tickets   = [module.tickets.lambda_function_name]
    publisher = [module.platform.publisher_lambda_function_name]
  }
}

output "dynamodb_table_names" {
  description = "Every service table, by service."
  value = {
    users   = module.users.dynamodb_table_name
    tickets = module.tickets.dynamodb_table_name
  }
}

output "users_ssm_parameter_names" {
  description = "Parameters that scripts/rotate-jwt-keys.ts writes."
  value       = module.users.ssm_parameter_names
}

output "tickets_ssm_parameter_cursor_secret_name" {
  description = "The tickets cursor secret, which scripts/rotate-jwt-keys.ts sets."
  value       = module.tickets.ssm_parameter_cursor_secret_name
}
