/**
 * A Tessera service, from its manifest (`services/<name>/service.json`): its DynamoDB table (from
 * the manifest's table declaration), one Lambda function per declared function (the lambda-function
 * module), each with the environment and the permissions its manifest entry names and nothing else,
 * the SSM parameters of its secrets (parameters.tf), its event subscriptions (events.tf) and, when a
 * function is the schedule target, its schedule group, the scheduler's role and the schedules'
 * dead-letter queue (schedules.tf).
 *
 * The manifest is the file the build, `scripts/deploy-lambda.sh` and the devstack read, so the
 * devstack's table and functions cannot drift from these; the table declaration is checked field by
 * field in the tests. Terraform applies the defaults the manifest schema (zod) applies, since the
 * JSON files leave them out.
 */

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # The closed sets (environments, log levels, log retentions), written once for every module.
  conventions = jsondecode(file("${path.module}/../../conventions.json"))

  manifest           = jsondecode(file(var.manifest_path))
  manifest_directory = dirname(var.manifest_path)
  repository_root    = "${path.module}/../../.."
  package_path       = coalesce(var.package_path, "${local.repository_root}/dist/${local.manifest.name}.zip")

  name        = local.manifest.name
  environment = var.settings.environment
  account_id  = var.settings.account_id
  partition   = data.aws_partition.current.partition
  region      = data.aws_region.current.id
  # Rules, queues, the schedule group and its role are named after the service.
  name_prefix = "tessera-${local.environment}-${local.name}"

  # What the manifest schema defaults when a manifest leaves it out.
  declared_settings      = try(local.manifest.settings, {})
  declared_secrets       = try(local.manifest.secrets, {})
  declared_subscriptions = try(local.manifest.subscriptions, [])

  # The table declaration (`packages/shared/src/table-declaration.ts`), relative to the manifest.
  declaration      = try(local.manifest.table, null) == null ? null : jsondecode(file("${local.manifest_directory}/${local.manifest.table}"))
  has_table        = local.declaration != null
  sort_key         = try(local.declaration.sortKey, null)
  indexes          = try(local.declaration.globalSecondaryIndexes, [])
  ttl_attribute    = try(local.declaration.timeToLiveAttribute, null)
  stream_view_type = try(local.declaration.streamViewType, null)
  table_name       = local.has_table ? "tessera-${local.environment}-${local.declaration.name}" : null
  table_arn        = local.has_table ? "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.table_name}" : null
  index_arns       = [for index in local.indexes : "${local.table_arn}/index/${index.name}"]

  # Each declared function, with the manifest's memory and timeout unless settings.functions
  # overrides them, and each environment variable's one source as { kind, id }.
  functions = {
    for name, fn in local.manifest.functions : name => {
      description                    = fn.description
      handler                        = "index.${fn.export}"
      memory_size                    = coalesce(try(var.settings.functions[name].memory_size, null), fn.memorySize)
      timeout                        = coalesce(try(var.settings.functions[name].timeout, null), fn.timeout)
      reserved_concurrent_executions = try(var.settings.functions[name].reserved_concurrent_executions, null)
      http                           = try(fn.http, null)
      websocket_routes               = [for route in try(fn.webSocket.routes, []) : tostring(route)]
      websocket_authorizer           = try(fn.webSocket == "authorizer", false)
      schedule                       = try(fn.schedule, false)
      sources = {
        for variable, source in fn.environment : variable => {
          kind = one(keys(source))
          id   = tostring(one(values(source)))
        }
      }
    }
  }

  # A setting's value: the environment's, else the manifest's default (a setting with neither fails
  # the validation of var.settings).
  setting_values = {
    for id, setting in local.declared_settings : id => lookup(var.settings.variables, id, try(setting.default, null))
  }

  # Every function gets exactly the variables its manifest entry names, plus its log level and the
  # environment's name (`ENVIRONMENT`, the `environment` dimension of its metrics).
  environment_variables = {
    for name, fn in local.functions : name => merge(
      { for variable, source in fn.sources : variable => one(aws_dynamodb_table.this[*].name) if source.kind == "table" },
      { for variable, source in fn.sources : variable => "ssm:${aws_ssm_parameter.this[source.id].name}" if source.kind == "secret" },
      { for variable, source in fn.sources : variable => local.setting_values[source.id] if source.kind == "setting" },
      { for variable, source in fn.sources : variable => var.settings.event_bus_name if source.kind == "eventBus" },
      { for variable, source in fn.sources : variable => var.settings.websocket.connections_endpoint if source.kind == "webSocket" },
      { for variable, source in fn.sources : variable => local.scheduler_source_values[source.id] if source.kind == "scheduler" },
      { for variable, source in fn.sources : variable => source.id if source.kind == "value" },
      { POWERTOOLS_LOG_LEVEL = var.settings.log_level, ENVIRONMENT = local.environment },
    )
  }

  http_functions       = [for name, fn in local.functions : name if fn.http == "operations"]
  authorizer_functions = [for name, fn in local.functions : name if fn.http == "authorizer"]

  # The WebSocket API (platform module) routes to the functions that declare routes and asks the
  # one that is its authorizer at `$connect`; a function that names `{ "webSocket": "connections" }`
  # gets the API's @connections endpoint and may post to its connections (iam.tf).
  websocket_functions            = { for name, fn in local.functions : name => fn.websocket_routes if length(fn.websocket_routes) > 0 }
  websocket_authorizer_functions = [for name, fn in local.functions : name if fn.websocket_authorizer]
  posts_to_connections = {
    for name, fn in local.functions : name => anytrue([for source in values(fn.sources) : source.kind == "webSocket"])
  }
}

resource "aws_dynamodb_table" "this" {
  count = local.has_table ? 1 : 0

  name         = local.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = local.declaration.partitionKey
  range_key    = local.sort_key

  deletion_protection_enabled = var.settings.enable_deletion_protection

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
    kms_key_arn = var.settings.table_kms_key_arn
  }

  tags = var.settings.tags
}

# The table was one of a kind before a manifest could declare none.
moved {
  from = aws_dynamodb_table.this
  to   = aws_dynamodb_table.this[0]
}

module "function" {
  source   = "../lambda-function"
  for_each = local.functions

  name         = "tessera-${local.environment}-${each.key}"
  description  = each.value.description
  account_id   = local.account_id
  package_path = local.package_path
  handler      = each.value.handler
  memory_size  = each.value.memory_size
  timeout      = each.value.timeout

  environment_variables = local.environment_variables[each.key]

  reserved_concurrent_executions = each.value.reserved_concurrent_executions
  enable_active_tracing          = var.settings.enable_active_tracing
  log_retention_in_days          = var.settings.log_retention_in_days
  policy_statements              = local.policy_statements[each.key]
  role_tags                      = local.posts_to_connections[each.key] ? { (local.websocket_api_tag) = var.settings.websocket.api_id } : {}
  enable_alarms                  = var.settings.enable_alarms
  alarm_topic_arn                = var.settings.alarm_topic_arn

  tags = var.settings.tags
}
