/**
 * The building block of a Tessera service: its DynamoDB table, built from the service's table
 * declaration, and its Lambda function (the lambda-function module) with a role that may use that
 * table and its indexes and nothing else of DynamoDB.
 *
 * The declaration (`services/<name>/table.json`) is the one the devstack creates its table from on
 * DynamoDB Local, so the two cannot drift apart; the tests check the mapping field by field.
 */

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  declaration = jsondecode(file(var.table_declaration_path))

  sort_key         = try(local.declaration.sortKey, null)
  indexes          = try(local.declaration.globalSecondaryIndexes, [])
  ttl_attribute    = try(local.declaration.timeToLiveAttribute, null)
  stream_view_type = try(local.declaration.streamViewType, null)
  function_name    = "tessera-${var.environment}-${var.name}"
  table_name       = "tessera-${var.environment}-${local.declaration.name}"
  table_arn        = "arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.id}:${var.account_id}:table/${local.table_name}"
  index_arns       = [for index in local.indexes : "${local.table_arn}/index/${index.name}"]
}

resource "aws_dynamodb_table" "this" {
  name         = local.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = local.declaration.partitionKey
  range_key    = local.sort_key

  deletion_protection_enabled = var.enable_deletion_protection

  dynamic "attribute" {
    for_each = local.declaration.attributes

    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = local.indexes

    content {
      name               = global_secondary_index.value.name
      hash_key           = global_secondary_index.value.partitionKey
      range_key          = try(global_secondary_index.value.sortKey, null)
      projection_type    = global_secondary_index.value.projection
      non_key_attributes = try(global_secondary_index.value.nonKeyAttributes, null)
    }
  }

  dynamic "ttl" {
    for_each = local.ttl_attribute == null ? [] : [local.ttl_attribute]

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  stream_enabled   = local.stream_view_type != null
  stream_view_type = local.stream_view_type

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

module "function" {
  source = "../lambda-function"

  name         = local.function_name
  description  = "The ${var.name} service."
  account_id   = var.account_id
  package_path = var.package_path
  handler      = var.handler
  memory_size  = var.memory_size
  timeout      = var.timeout

  environment_variables = merge(var.environment_variables, { TABLE_NAME = aws_dynamodb_table.this.name })

  reserved_concurrent_executions = var.reserved_concurrent_executions
  enable_active_tracing          = var.enable_active_tracing
  log_retention_in_days          = var.log_retention_in_days
  policy_statements              = concat(local.table_statements, var.policy_statements)
  enable_alarms                  = var.enable_alarms
  alarm_topic_arn                = var.alarm_topic_arn

  tags = var.tags
}
