# Schedules, for a service whose manifest makes a function a schedule target (`"schedule": true`).
# The function creates one-time EventBridge Scheduler schedules at run time (a reminder, a payment
# hold that expires) in the service's own schedule group; Terraform creates what they need:
#
# - the schedule group `tessera-<env>-<service>`;
# - the role the scheduler assumes to deliver (`tessera-<env>-<service>-scheduler`): it may invoke
#   the scheduled functions' `live` aliases and send to the schedules' dead-letter queue, nothing
#   else, and only the scheduler of this account, for this group, may assume it;
# - that encrypted dead-letter queue, with an alarm when alarms are on;
# - on each scheduled function's role: managing schedules of its group only, and passing the
#   scheduler role to the scheduler only (iam.tf).

locals {
  scheduled_functions = sort([for name, fn in local.functions : name if fn.schedule])
  has_schedules       = length(local.scheduled_functions) > 0

  schedule_group_name             = local.name_prefix
  schedule_group_arn              = "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule-group/${local.schedule_group_name}"
  scheduler_role_name             = "${local.name_prefix}-scheduler"
  scheduler_role_arn              = "arn:${local.partition}:iam::${local.account_id}:role/${local.scheduler_role_name}"
  schedule_dead_letter_queue_name = "${local.name_prefix}-schedules-dlq"
  schedule_dead_letter_queue_arn  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.schedule_dead_letter_queue_name}"
}

resource "aws_scheduler_schedule_group" "this" {
  count = local.has_schedules ? 1 : 0

  name = local.schedule_group_name

  tags = var.settings.tags
}

resource "aws_iam_role" "scheduler" {
  count = local.has_schedules ? 1 : 0

  name        = local.scheduler_role_name
  description = "Assumed by EventBridge Scheduler to deliver the schedules of ${local.schedule_group_name}."

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "SchedulerAssumesRole"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "scheduler.amazonaws.com" }
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = local.schedule_group_arn }
        }
      },
    ]
  })

  tags = var.settings.tags
}

resource "aws_iam_role_policy" "scheduler" {
  count = local.has_schedules ? 1 : 0

  name = "${local.scheduler_role_name}-permissions"
  role = aws_iam_role.scheduler[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeScheduledFunctions"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [for name in local.scheduled_functions : module.function[name].lambda_alias_arn]
      },
      {
        Sid      = "SendUndeliveredSchedules"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [local.schedule_dead_letter_queue_arn]
      },
    ]
  })
}
