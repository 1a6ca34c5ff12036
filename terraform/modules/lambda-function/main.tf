/**
 * One Lambda function as every Tessera service runs it: Node.js 22 on arm64, created from an
 * existing zip, with its own role (iam.tf), a log group with a retention, X-Ray tracing, a `live`
 * alias that callers (API Gateway, event source mappings) target, and alarms on errors and throttles.
 *
 * Terraform owns the configuration; `scripts/deploy-lambda.sh` owns the code and the versions: it
 * uploads a zip, publishes a version and moves `live` to it. So Terraform reads the zip only when it
 * creates the function, and ignores which version `live` points at (ADR 0012).
 */

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # The closed sets (environments, log levels, log retentions), written once for every module.
  conventions = jsondecode(file("${path.module}/../../conventions.json"))

  alias_name = "live"

  partition = data.aws_partition.current.partition
  # `id` is the region name with provider 5.x and 6.x alike (6.x deprecates `name` for `region`).
  region = data.aws_region.current.id

  # Built from names, not read from resources, so that plans (and the policy test over them) see
  # complete policies and API definitions. The outputs wait for the resources all the same.
  function_arn         = "arn:${local.partition}:lambda:${local.region}:${var.account_id}:function:${var.name}"
  alias_arn            = "${local.function_arn}:${local.alias_name}"
  alias_invoke_arn     = "arn:${local.partition}:apigateway:${local.region}:lambda:path/2015-03-31/functions/${local.alias_arn}/invocations"
  log_group_name       = "/aws/lambda/${var.name}"
  log_group_arn        = "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:${local.log_group_name}"
  alarm_actions        = var.enable_alarms ? [var.alarm_topic_arn] : []
  alarm_name_prefix    = var.name
  alarm_period_seconds = 300

  # The two alarms every function has when alarms are on, by the suffix of their names.
  alarms = var.enable_alarms ? {
    errors = {
      metric_name = "Errors"
      threshold   = var.alarm_error_threshold
      description = "${var.name} failed at least ${var.alarm_error_threshold} time(s) in 5 minutes."
    }
    throttles = {
      metric_name = "Throttles"
      threshold   = 1
      description = "${var.name} was throttled in the last 5 minutes."
    }
  } : {}
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.this.arn

  filename      = var.package_path
  handler       = var.handler
  runtime       = "nodejs22.x"
  architectures = ["arm64"]
  memory_size   = var.memory_size
  timeout       = var.timeout

  # Versions are published by scripts/deploy-lambda.sh, after it uploads code.
  publish = false

  reserved_concurrent_executions = var.reserved_concurrent_executions

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []

    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = var.enable_active_tracing ? "Active" : "PassThrough"
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  # The role must be able to write logs before the first invocation.
  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    # Code ships with scripts/deploy-lambda.sh; the zip only seeds a new function.
    ignore_changes = [filename, source_code_hash, s3_bucket, s3_key, s3_object_version]
  }
}

resource "aws_lambda_alias" "this" {
  name             = local.alias_name
  description      = "The version that serves traffic; moved by scripts/deploy-lambda.sh."
  function_name    = aws_lambda_function.this.function_name
  function_version = "$LATEST"

  lifecycle {
    # scripts/deploy-lambda.sh moves the alias to each version it publishes.
    ignore_changes = [function_version, routing_config]
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${local.alarm_name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric_name
  dimensions          = { FunctionName = var.name }
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.alarm_topic_arn != null
      error_message = "enable_alarms needs alarm_topic_arn, the SNS topic the alarms go to."
    }
  }
}

moved {
  from = aws_cloudwatch_metric_alarm.errors[0]
  to   = aws_cloudwatch_metric_alarm.this["errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.throttles[0]
  to   = aws_cloudwatch_metric_alarm.this["throttles"]
}
