/**
 * The tickets service: tickets with a status workflow, on the service building block, with the
 * users events it subscribes to (`services/tickets/subscriptions.json`) and its cursor secret.
 *
 * The cursor secret lives in SSM Parameter Store; Terraform creates it with a placeholder the
 * service refuses and never reads or writes its value afterwards. `scripts/rotate-jwt-keys.ts`
 * sets every service's cursor secret (ADR 0011).
 */

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  repository_root        = "${path.module}/../../.."
  package_path           = coalesce(var.package_path, "${local.repository_root}/dist/tickets.zip")
  table_declaration_path = coalesce(var.table_declaration_path, "${local.repository_root}/services/tickets/table.json")
  subscriptions_path     = coalesce(var.subscriptions_path, "${local.repository_root}/services/tickets/service.json")

  cursor_secret_name = "/tessera/${var.environment}/tickets/cursor-secret"
  cursor_secret_arn  = "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.id}:${var.account_id}:parameter${local.cursor_secret_name}"

  parameter_statements = concat(
    [
      {
        sid       = "ReadCursorSecret"
        actions   = ["ssm:GetParameter"]
        resources = [local.cursor_secret_arn]
      },
    ],
    var.parameter_kms_key_arn == null ? [] : [
      {
        sid       = "DecryptCursorSecret"
        actions   = ["kms:Decrypt"]
        resources = [var.parameter_kms_key_arn]
      },
    ],
  )
}

module "service" {
  source = "../service"

  name                   = "tickets"
  environment            = var.environment
  account_id             = var.account_id
  table_declaration_path = local.table_declaration_path
  subscriptions_path     = local.subscriptions_path
  event_bus_name         = var.event_bus_name
  package_path           = local.package_path
  handler                = "index.handler"
  memory_size            = var.memory_size
  timeout                = var.timeout

  environment_variables = {
    CURSOR_SECRET        = "ssm:${aws_ssm_parameter.cursor_secret.name}"
    POWERTOOLS_LOG_LEVEL = var.log_level
  }

  policy_statements = local.parameter_statements

  reserved_concurrent_executions = var.reserved_concurrent_executions
  enable_deletion_protection     = var.enable_deletion_protection
  table_kms_key_arn              = var.table_kms_key_arn
  enable_active_tracing          = var.enable_active_tracing
  log_retention_in_days          = var.log_retention_in_days
  enable_alarms                  = var.enable_alarms
  alarm_topic_arn                = var.alarm_topic_arn

  tags = var.tags
}

resource "aws_ssm_parameter" "cursor_secret" {
  name        = local.cursor_secret_name
  description = "Secret (32+ characters) that signs the tickets service's list cursors. Written by scripts/rotate-jwt-keys.ts."
  type        = "SecureString"
  tier        = "Standard"
  key_id      = var.parameter_kms_key_arn
  value       = "unset"

  tags = var.tags

  lifecycle {
    # The real value is written by scripts/rotate-jwt-keys.ts, outside Terraform.
    ignore_changes = [value, insecure_value]
  }
}
