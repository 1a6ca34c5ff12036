# The event bus, and the outbox publisher that feeds it: one small Lambda (the same bundle the
# devstack runs) attached to the stream of every service table (ADR 0010).
#
# The outbox must not lose events, so each mapping starts at the oldest record still in the stream
# (TRIM_HORIZON), retries a failing batch until its records leave the stream (24 hours) rather than
# skipping them, and resumes from the first record the publisher reports as failed
# (ReportBatchItemFailures), which keeps events in order. A stuck stream raises the iterator-age
# alarm long before records expire.

locals {
  # The publisher is declared like a service, in its manifest (packages/shared/publisher.json): the
  # one function that reads the table streams, its memory, timeout, export and environment.
  publisher_manifest      = jsondecode(file(coalesce(var.publisher_manifest_path, "${local.repository_root}/packages/shared/publisher.json")))
  publisher_function_name = one([for name, fn in local.publisher_manifest.functions : name if try(fn.tableStreams, false)])
  publisher_function      = local.publisher_manifest.functions[local.publisher_function_name]
  publisher_package_path  = coalesce(var.publisher_package_path, "${local.repository_root}/dist/${local.publisher_manifest.name}.zip")

  # The platform owns no table, secret or setting: its function's variables name the bus or a value,
  # plus its log level and the environment's name (`ENVIRONMENT`, its metrics' `environment`).
  publisher_sources = {
    for variable, source in local.publisher_function.environment : variable => {
      kind = one(keys(source))
      id   = tostring(one(values(source)))
    }
  }
  publisher_unsupported_variables = sort([
    for variable, source in local.publisher_sources : variable if !contains(["eventBus", "value"], source.kind)
  ])
  publisher_environment = merge(
    { for variable, source in local.publisher_sources : variable => aws_cloudwatch_event_bus.this.name if source.kind == "eventBus" },
    { for variable, source in local.publisher_sources : variable => source.id if source.kind == "value" },
    { POWERTOOLS_LOG_LEVEL = var.log_level, ENVIRONMENT = var.environment },
  )

  # Only inserts of outbox items reach the publisher; every other change to a table is filtered out
  # by Lambda before it costs an invocation.
  outbox_filter = {
    eventName = ["INSERT"]
    dynamodb = {
      NewImage = {
        pk = { S = [{ prefix = "OUTBOX#" }] }
      }
    }
  }
}

resource "aws_cloudwatch_event_bus" "this" {
  name = local.event_bus_name

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(local.publisher_unsupported_variables) == 0
      error_message = "The publisher's manifest gives ${join(", ", local.publisher_unsupported_variables)} a source the platform has not (it has the event bus and literal values only)."
    }
  }
}

module "publisher" {
  source = "../lambda-function"

  name         = "tessera-${var.environment}-${local.publisher_function_name}"
  description  = "Publishes outbox items from the service tables' streams to the ${local.event_bus_name} event bus."
  account_id   = var.account_id
  package_path = local.publisher_package_path
  handler      = "index.${local.publisher_function.export}"
  memory_size  = local.publisher_function.memorySize
  timeout      = local.publisher_function.timeout

  environment_variables = local.publisher_environment

  policy_statements     = local.publisher_statements
  enable_active_tracing = var.enable_active_tracing
  log_retention_in_days = var.log_retention_in_days
  enable_alarms         = var.enable_alarms
  alarm_topic_arn       = local.alarm_topic_arn

  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "outbox" {
  for_each = var.table_streams

  event_source_arn = each.value.stream_arn
  function_name    = module.publisher.lambda_alias_arn

  starting_position                  = "TRIM_HORIZON"
  batch_size                         = var.publisher_batch_size
  maximum_batching_window_in_seconds = 0
  parallelization_factor             = 1
  maximum_retry_attempts             = -1
  maximum_record_age_in_seconds      = -1
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]

  filter_criteria {
    filter {
      pattern = jsonencode(local.outbox_filter)
    }
  }

  tags = var.tags
}
