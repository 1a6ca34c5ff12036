output "http_api_endpoint" {
  description = "Base URL of the API: what clients and the end-to-end suite (`TESSERA_BASE_URL`) use."
  value       = module.platform.http_api_endpoint
}

output "http_api_route_keys" {
  description = "Every route of the API, one per contract operation."
  value       = module.platform.http_api_route_keys
}

output "websocket_url" {
  description = "URL WebSocket clients connect to, with `?token=<accessToken>` (docs/websocket.md)."
  value       = module.platform.websocket_url
}

output "websocket_route_keys" {
  description = "Every route of the WebSocket API, from the manifests' `webSocket.routes`."
  value       = module.platform.websocket_route_keys
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
  value = merge(
    { for service in local.services : service.name => service.lambda_function_names },
    { publisher = [module.platform.publisher_lambda_function_name] },
  )
}

output "lambda_function_environment_variables" {
  description = "Every function's environment variables, by function name (secrets as `ssm:` references). A plan shows each value it knows here, where a function's own plan shows all of them as unknown when one is (the WebSocket API's endpoint): the policy test reads `ENVIRONMENT` from this output then."
  value = merge(concat(
    [for service in local.services : service.lambda_function_environment_variables],
    [{ (module.platform.publisher_lambda_function_name) = module.platform.publisher_lambda_function_environment_variables }],
  )...)
}

output "dynamodb_table_names" {
  description = "Every service table, by service."
  value       = { for service in local.services : service.name => service.dynamodb_table_name if service.dynamodb_table_name != null }
}

output "ssm_parameter_names" {
  description = "Every secret's SSM parameter, by service and secret id: what scripts/rotate-jwt-keys.ts writes."
  value       = { for service in local.services : service.name => service.ssm_parameter_names if length(service.ssm_parameter_names) > 0 }
}

output "scheduler_schedule_group_names" {
  description = "The schedule group of each service that has a schedule target, by service: where its function creates its one-time schedules."
  value       = { for service in local.services : service.name => service.scheduler.schedule_group_name if service.scheduler != null }
}

output "scheduler_sqs_queue_dead_letter_names" {
  description = "The schedules' dead-letter queue of each service that has a schedule target, by service: what `npm run redrive` takes when its alarm fires."
  value       = { for service in local.services : service.name => service.scheduler.sqs_queue_dead_letter_name if service.scheduler != null }
}
