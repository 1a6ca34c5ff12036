# The service's dead-letter queues, one resource for all of them: the events dead-letter queue of its
# rules' targets, the invocations dead-letter queue of its function targets' failed asynchronous
# invocations, each queue target's own, and its schedules'. Each is encrypted and keeps a message
# 14 days, longer than any source queue does, so nothing expires on its way here; and each has an
# alarm when alarms are on, firing on the first message (ApproximateNumberOfMessagesVisible > 0): a
# message there is work the service did not do.

locals {
  dead_letter_queues = merge(
    local.has_subscriptions ? {
      events = {
        name        = local.dead_letter_queue_name
        description = "Events for ${local.name} failed every delivery attempt and wait in ${local.dead_letter_queue_name}."
      }
    } : {},
    length(local.function_targets) > 0 ? {
      invocations = {
        name        = local.invocation_dead_letter_name
        description = "Asynchronous invocations of ${join(", ", sort(local.function_targets))} failed every attempt or outlived ${local.invocation_maximum_event_age} s and wait in ${local.invocation_dead_letter_name} (the event in each record's requestPayload)."
      }
    } : {},
    {
      for name, subscription in local.queue_subscriptions : "queue/${name}" => {
        name        = local.queue_dead_letter_names[name]
        description = "Messages of ${local.queue_names[name]} failed ${subscription.max_receive_count} receives by ${subscription.function} and wait in ${local.queue_dead_letter_names[name]}."
      }
    },
    local.has_schedules ? {
      schedules = {
        name        = local.schedule_dead_letter_queue_name
        description = "Schedules of ${local.schedule_group_name} could not reach their function and wait in ${local.schedule_dead_letter_queue_name}."
      }
    } : {},
  )
}

resource "aws_sqs_queue" "dead_letter" {
  for_each = local.dead_letter_queues

  name                      = each.value.name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = var.settings.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each = var.settings.enable_alarms ? local.dead_letter_queues : {}

  alarm_name          = "${each.value.name}-not-empty"
  alarm_description   = each.value.description
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.settings.tags
}

moved {
  from = aws_sqs_queue.dead_letter[0]
  to   = aws_sqs_queue.dead_letter["events"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dead_letters[0]
  to   = aws_cloudwatch_metric_alarm.dead_letters["events"]
}
