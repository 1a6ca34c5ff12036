/**
 * One Tessera environment: the platform (HTTP API, authorizer wiring, event bus, outbox publisher,
 * alarm topic) and every service. The three environment folders hold the same code; they differ
 * only in terraform.tfvars and backend.hcl, and the Terraform check fails if their code drifts.
 */

module "platform" {
  source = "../../modules/platform"

  environment = var.environment
  account_id  = var.account_id

  service_integrations = {
    users = {
      function_name = module.users.lambda_function_name
      invoke_arn    = module.users.lambda_alias_invoke_arn
    }
    tickets = {
      function_name = module.tickets.lambda_function_name
      invoke_arn    = module.tickets.lambda_alias_invoke_arn
    }
  }

  authorizer = {
    function_name = module.users.authorizer_lambda_function_name
    invoke_arn    = module.users.authorizer_lambda_alias_invoke_arn
  }

  table_streams = {
    users = {
      table_name = module.users.dynamodb_table_name
      stream_arn = module.users.dynamodb_table_stream_arn
    }
    tickets = {
      table_name = module.tickets.dynamodb_table_name
      stream_arn = module.tickets.dynamodb_table_stream_arn
    }
  }

  authorizer_result_ttl_in_seconds = var.authorizer_result_ttl_in_seconds
  cors                             = length(var.cors_allow_origins) > 0 ? { allow_origins = var.cors_allow_origins } : null
  throttling_burst_limit           = var.throttling_burst_limit
  throttling_rate_limit            = var.throttling_rate_limit
  access_log_retention_in_days     = var.log_retention_in_days
  log_retention_in_days            = var.log_retention_in_days
  log_level                        = var.log_level
  enable_active_tracing            = var.enable_active_tracing
  enable_alarms                    = var.enable_alarms
  alarm_email_addresses            = var.alarm_email_addresses
}

module "users" {
  source = "../../modules/users"

  environment = var.environment
  account_id  = var.account_id
  jwt_issuer  = var.jwt_issuer

  memory_size                    = var.users_memory_size
  reserved_concurrent_executions = var.users_reserved_concurrent_executions
  enable_deletion_protection     = var.enable_deletion_protection
  log_retention_in_days          = var.log_retention_in_days
  log_level                      = var.log_level
  enable_active_tracing          = var.enable_active_tracing
  enable_alarms                  = var.enable_alarms
  alarm_topic_arn                = module.platform.sns_topic_arn
}

module "tickets" {
  source = "../../modules/tickets"

  environment    = var.environment
  account_id     = var.account_id
  event_bus_name = module.platform.event_bus_name

  enable_deletion_protection = var.enable_deletion_protection
  log_retention_in_days      = var.log_retention_in_days
  log_level                  = var.log_level
  enable_active_tracing      = var.enable_active_tracing
  enable_alarms              = var.enable_alarms
  alarm_topic_arn            = module.platform.sns_topic_arn
}
