/**
 * The users service: accounts, sessions and tokens. One bundle (`dist/users.zip`) runs as two
 * functions: the service (`index.handler`, behind the HTTP API) and the API's Lambda authorizer
 * (`index.authorizer`), each with only the settings and permissions it needs.
 *
 * Key material lives in SSM Parameter Store (parameters.tf). Terraform creates the parameters with
 * placeholders and never reads or writes their values afterwards, so no secret reaches the state or
 * the repository; `scripts/rotate-jwt-keys.ts` writes the real values (ADR 0011).
 */

locals {
  repository_root        = "${path.module}/../../.."
  package_path           = coalesce(var.package_path, "${local.repository_root}/dist/users.zip")
  table_declaration_path = coalesce(var.table_declaration_path, "${local.repository_root}/services/users/table.json")

  token_settings = {
    JWT_ISSUER           = var.jwt_issuer
    JWT_AUDIENCE         = var.jwt_audience
    POWERTOOLS_LOG_LEVEL = var.log_level
  }
}

module "service" {
  source = "../service"

  name                   = "users"
  environment            = var.environment
  account_id             = var.account_id
  table_declaration_path = local.table_declaration_path
  package_path           = local.package_path
  handler                = "index.handler"
  memory_size            = var.memory_size
  timeout                = var.timeout

  environment_variables = merge(local.token_settings, {
    JWT_KEYS      = "ssm:${aws_ssm_parameter.this["jwt-private-keys"].name}"
    CURSOR_SECRET = "ssm:${aws_ssm_parameter.this["cursor-secret"].name}"
  })

  policy_statements = local.service_parameter_statements

  reserved_concurrent_executions = var.reserved_concurrent_executions
  enable_deletion_protection     = var.enable_deletion_protection
  table_kms_key_arn              = var.table_kms_key_arn
  enable_active_tracing          = var.enable_active_tracing
  log_retention_in_days          = var.log_retention_in_days
  enable_alarms                  = var.enable_alarms
  alarm_topic_arn                = var.alarm_topic_arn

  tags = var.tags
}

module "authorizer" {
  source = "../lambda-function"

  name         = "tessera-${var.environment}-users-authorizer"
  description  = "Verifies access tokens for the HTTP API (Lambda authorizer, simple responses)."
  account_id   = var.account_id
  package_path = local.package_path
  handler      = "index.authorizer"
  memory_size  = var.authorizer_memory_size
  timeout      = var.authorizer_timeout

  environment_variables = merge(local.token_settings, {
    JWT_KEYS = "ssm:${aws_ssm_parameter.this["jwt-public-keys"].name}"
  })

  policy_statements = local.authorizer_parameter_statements

  enable_active_tracing = var.enable_active_tracing
  log_retention_in_days = var.log_retention_in_days
  enable_alarms         = var.enable_alarms
  alarm_topic_arn       = var.alarm_topic_arn

  tags = var.tags
}
