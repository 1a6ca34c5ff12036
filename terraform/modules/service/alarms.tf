# One alarm per dead-letter queue of the service, when alarms are on: the events dead-letter queue
# of its rules' targets, each queue target's own, and its schedules'. Each fires on the first message
# (ApproximateNumberOfMessagesVisible > 0): a message there is work the service did not do.

locals {
  dead_letter_alarms = var.settings.enable_alarms ? merge(
    local.has_subscriptions ? {
      events = {
        queue       = local.dead_letter_queue_name
        description = "Events for ${local.name} failed every delivery attempt and wait in ${local.dead_letter_queue_name}."
      }
    } : {},
    {
      for name, subscription in local.queue_subscriptions : "queue/${name}" => {
        queue       = local.queue_dead_letter_names[name]
        description = "Messages of ${local.queue_names[name]} failed ${subscription.max_receive_count} receives by ${subscription.function} and wait in ${local.queue_dead_letter_names[name]}."
      }
    },
    local.has_schedules ? {
      schedules = {
        queue       = local.schedule_dead_letter_queue_name
        description = "Schedules of ${local.schedule_group_name} could not reach their function and wait in ${local.schedule_dead_letter_queue_name}."
      }
    } : {},
  ) : {}
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each = local.dead_letter_alarms

  alarm_name          = "${each.value.queue}-not-empty"
  alarm_description   = each.value.description
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value.queue }
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
  from = aws_cloudwatch_metric_alarm.dead_letters[0]
  to   = aws_cloudwatch_metric_alarm.dead_letters["events"]
}
