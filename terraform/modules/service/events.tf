# The events the service subscribes to: one EventBridge rule per subscription of the manifest (the
# devstack builds its local rules from the same file), with the declared pattern, and one target:
#
# - a function: the rule invokes the function's `live` alias (a Lambda permission pinned to the
#   rule's ARN);
# - a queue: the rule sends to an encrypted SQS queue of the subscription (its policy admits
#   EventBridge from that rule only), the queue redrives to its own dead-letter queue after
#   `maxReceiveCount` receives, and an event source mapping hands batches to the function's `live`
#   alias, which reports the messages it failed (`ReportBatchItemFailures`).
#
# Deliveries EventBridge cannot make after its retries land in the service's encrypted events
# dead-letter queue. EventBridge (and EventBridge Scheduler, schedules.tf) invokes a function target asynchronously, so a delivery succeeds
# once Lambda has queued the event, whatever the function does with it: each function target's
# `live` alias has an asynchronous invocation configuration (2 retries, the same maximum event age
# as the rule's target) whose on-failure destination is the service's encrypted invocations
# dead-letter queue, written with the function's own role. When alarms are on, every dead-letter
# queue has an alarm (dead-letters.tf), and so has every queue target's queue: on its oldest
# message growing older than a message retried as declared can get.

locals {
  # The defaults of the manifest schema's queue target (packages/tooling/src/manifests.ts), the
  # visibility timeout from the function's timeout in this environment (AWS's advice: 6 times).
  subscriptions = {
    for subscription in local.declared_subscriptions : subscription.name => {
      description = subscription.description
      # Patterns differ in shape from one subscription to the next, so each is kept as its JSON text.
      pattern  = jsonencode(subscription.pattern)
      function = subscription.target.function
      queue = try(subscription.target.queue, null) == null ? null : {
        max_receive_count       = try(subscription.target.queue.maxReceiveCount, 3)
        batch_size              = try(subscription.target.queue.batchSize, 10)
        maximum_batching_window = try(subscription.target.queue.maximumBatchingWindow, 0)
        maximum_concurrency     = try(subscription.target.queue.maximumConcurrency, 2)
        visibility_timeout      = try(subscription.target.queue.visibilityTimeout, 6 * local.functions[subscription.target.function].timeout)
      }
    }
  }
  function_subscriptions = { for name, subscription in local.subscriptions : name => subscription if subscription.queue == null }
  queue_subscriptions    = { for name, subscription in local.subscriptions : name => merge(subscription.queue, { function = subscription.function }) if subscription.queue != null }
  has_subscriptions      = length(local.subscriptions) > 0

  rule_arns = {
    for name, _ in local.subscriptions :
    name => "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${coalesce(var.settings.event_bus_name, "default")}/${local.name_prefix}-${name}"
  }
  dead_letter_queue_name = "${local.name_prefix}-events-dlq"
  dead_letter_queue_arn  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.dead_letter_queue_name}"

  # The functions a rule or a schedule invokes directly, asynchronously both (queue targets'
  # functions are invoked by their mapping, synchronously, and their queue redrives what they fail):
  # the schedules' dead-letter queue holds only what the scheduler could not hand to Lambda, so a
  # schedule target that throws needs this too. And where Lambda sends an asynchronous invocation
  # of theirs that failed every attempt or outlived its maximum age.
  function_targets            = toset(concat([for subscription in values(local.function_subscriptions) : subscription.function], local.scheduled_functions))
  invocation_dead_letter_name = "${local.name_prefix}-invocations-dlq"
  invocation_dead_letter_arn  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.invocation_dead_letter_name}"
  # Lambda keeps an event for retries 6 hours at most; EventBridge may keep retrying longer.
  invocation_maximum_event_age = min(var.event_maximum_age_in_seconds, 21600)

  queue_names             = { for name, _ in local.queue_subscriptions : name => "${local.name_prefix}-${name}" }
  queue_arns              = { for name, queue in local.queue_names : name => "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${queue}" }
  queue_dead_letter_names = { for name, queue in local.queue_names : name => "${queue}-dlq" }

  # What each rule targets: the function's live alias, or the subscription's queue (its ARN built
  # from the queue's name, so it is known at plan and the target waits for the queue).
  target_arns = merge(
    { for name, subscription in local.function_subscriptions : name => module.function[subscription.function].lambda_alias_arn },
    { for name, _ in local.queue_subscriptions : name => "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${aws_sqs_queue.subscription[name].name}" },
  )

  alarm_actions = var.settings.alarm_topic_arn == null ? [] : [var.settings.alarm_topic_arn]
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.subscriptions

  name           = "${local.name_prefix}-${each.key}"
  description    = each.value.description
  event_bus_name = var.settings.event_bus_name
  event_pattern  = each.value.pattern

  tags = var.settings.tags

  lifecycle {
    precondition {
      condition     = var.settings.event_bus_name != null
      error_message = "A service with subscriptions needs settings.event_bus_name."
    }
  }
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.subscriptions

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = var.settings.event_bus_name
  target_id      = each.value.queue == null ? "${each.value.function}-function" : "${each.value.function}-queue"
  arn            = local.target_arns[each.key]

  retry_policy {
    maximum_event_age_in_seconds = var.event_maximum_age_in_seconds
    maximum_retry_attempts       = var.event_maximum_retry_attempts
  }

  dead_letter_config {
    arn = local.dead_letter_queue_arn
  }
}

resource "aws_lambda_permission" "events" {
  for_each = local.function_subscriptions

  statement_id  = "AllowEventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.function[each.value.function].lambda_function_name
  qualifier     = module.function[each.value.function].lambda_alias_name
  principal     = "events.amazonaws.com"
  source_arn    = local.rule_arns[each.key]
}

# Failed asynchronous invocations of a function target: Lambda retries a function error twice (its
# default, said here), and keeps retrying a throttled or failed event no longer than EventBridge
# retries a delivery (capped at Lambda's 6 hours), then sends an invocation record (the event in its
# `requestPayload`, the error in its `responsePayload`) to the invocations dead-letter queue. The
# ARN names the queue resource, so the configuration waits for it; the function's role (which
# Lambda sends with) is in place before its alias, which the configuration names.
resource "aws_lambda_function_event_invoke_config" "this" {
  for_each = local.function_targets

  function_name                = module.function[each.key].lambda_function_name
  qualifier                    = module.function[each.key].lambda_alias_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = local.invocation_maximum_event_age

  destination_config {
    on_failure {
      destination = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${aws_sqs_queue.dead_letter["invocations"].name}"
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = local.has_subscriptions ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter["events"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EventBridgeDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.dead_letter_queue_arn
        Condition = { ArnEquals = { "aws:SourceArn" = values(local.rule_arns) } }
      },
    ]
  })
}

# Queue targets.

resource "aws_sqs_queue" "subscription" {
  for_each = local.queue_subscriptions

  name                       = local.queue_names[each.key]
  visibility_timeout_seconds = each.value.visibility_timeout
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${aws_sqs_queue.dead_letter["queue/${each.key}"].name}"
    maxReceiveCount     = each.value.max_receive_count
  })

  tags = var.settings.tags

  lifecycle {
    precondition {
      condition     = each.value.visibility_timeout >= local.functions[each.value.function].timeout
      error_message = "The queue of subscription ${each.key} hides a message ${each.value.visibility_timeout} s, less than the ${local.functions[each.value.function].timeout} s ${each.value.function} may run: Lambda refuses the mapping. Raise visibilityTimeout (AWS advises 6 times the timeout) or leave it out."
    }
  }
}

resource "aws_sqs_queue_policy" "subscription" {
  for_each = local.queue_subscriptions

  queue_url = aws_sqs_queue.subscription[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EventBridgeDeliversEvents"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.queue_arns[each.key]
        Condition = { ArnEquals = { "aws:SourceArn" = local.rule_arns[each.key] } }
      },
    ]
  })
}

resource "aws_lambda_event_source_mapping" "subscription" {
  for_each = local.queue_subscriptions

  event_source_arn = local.target_arns[each.key]
  function_name    = module.function[each.value.function].lambda_alias_arn

  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = each.value.maximum_concurrency
  }

  tags = var.settings.tags

  lifecycle {
    precondition {
      condition     = each.value.batch_size <= 10 || each.value.maximum_batching_window >= 1
      error_message = "Subscription ${each.key}: a batch of more than 10 messages needs a maximumBatchingWindow of at least 1 second."
    }
  }
}


# A queue target's queue alarms when its oldest message is older than a message can get while it is
# received and retried as declared (`maxReceiveCount` receives, each hiding it for the visibility
# timeout, and one more timeout before it moves to the dead-letter queue), at least a minute (the
# metric's resolution): then the function is not taking messages at all (throttled, its mapping
# disabled or failing), and the dead-letter queue's alarm would never fire.
resource "aws_cloudwatch_metric_alarm" "subscription" {
  for_each = var.settings.enable_alarms ? local.queue_subscriptions : {}

  alarm_name          = "${local.queue_names[each.key]}-message-age"
  alarm_description   = "The oldest message of ${local.queue_names[each.key]} waits longer than ${each.value.max_receive_count} receives by ${each.value.function} allow: it is not taking messages."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = local.queue_names[each.key] }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = max(60, (each.value.max_receive_count + 1) * each.value.visibility_timeout)
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.settings.tags
}
