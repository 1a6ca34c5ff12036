# The event bus, and the outbox publisher that feeds it: one small Lambda (the same bundle the
# devstack runs) attached to the stream of every service table (ADR 0010).
#
# The outbox must not lose events, so each mapping starts at the oldest record still in the stream
# (TRIM_HORIZON), retries a failing batch until its records leave the stream (24 hours) rather than
# skipping them, and resumes from the first record the publisher reports as failed
# (ReportBatchItemFailures), which keeps events in order. A stuck stream raises the iterator-age
# alarm long before records expire.

locals {
  publisher_package_path = coalesce(var.publisher_package_path, "${local.repository_root}/dist/publisher.zip")

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
}

module "publisher" {
  source = "../lambda-function"

  name         = "tessera-${var.environment}-publisher"
  description  = "Publishes outbox items from the service tables' streams to the ${local.event_bus_name} event bus."
  account_id   = var.account_id
  package_path = local.publisher_package_path
  handler      = "index.handler"
  memory_size  = 256
  timeout      = 30

  environment_variables = {
    EVENT_BUS_NAME       = aws_cloudwatch_event_bus.this.name
    POWERTOOLS_LOG_LEVEL = var.log_level
  }

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
