# Schedules, for a service whose manifest makes a function the schedule target (`"schedule": true`,
# at most one per manifest). The function creates one-time EventBridge Scheduler schedules at run
# time (a reminder, a payment hold that expires) in the service's own schedule group, each invoking
# the target's `live` alias; Terraform creates what they need (ADR 0035):
#
# - the schedule group `tessera-<env>-<service>` (one per service and environment, so that each
#   service's grants name its own group only);
# - the role the scheduler assumes to deliver (`tessera-<env>-<service>-scheduler`): it may invoke
#   the target's `live` alias and send to the schedules' dead-letter queue, nothing else, and only
#   the scheduler of this account, for this group (`aws:SourceArn` is the group's ARN: Scheduler
#   sets it to the group of the schedule it runs), may assume it;
# - that encrypted dead-letter queue (dead-letters.tf), with an alarm when alarms are on;
# - on the target's role: managing schedules of its group only, and passing the scheduler role to
#   the scheduler only (iam.tf);
# - the values of the `{ "scheduler": ... }` source (main.tf): the group's name, the role's ARN,
#   the target's alias ARN and the dead-letter queue's ARN. The role, the group and the queue do
#   not depend on the function, so the function's environment may name them; the alias ARN is built
#   from names (ADR 0013), since the function cannot wait for its own alias.

locals {
  # The manifest_path validations allow at most one.
  scheduled_functions = sort([for name, fn in local.functions : name if fn.schedule])
  has_schedules       = length(local.scheduled_functions) > 0
  schedule_target     = one(local.scheduled_functions)

  schedule_group_name             = local.name_prefix
  schedule_group_arn              = "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule-group/${local.schedule_group_name}"
  scheduler_role_name             = "${local.name_prefix}-scheduler"
  scheduler_role_arn              = "arn:${local.partition}:iam::${local.account_id}:role/${local.scheduler_role_name}"
  schedule_dead_letter_queue_name = "${local.name_prefix}-schedules-dlq"
  schedule_dead_letter_queue_arn  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.schedule_dead_letter_queue_name}"
  # The lambda-function module's alias ARN, from names (it names the alias `live`); a test holds the two equal.
  schedule_target_alias_arn = local.has_schedules ? "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:tessera-${local.environment}-${local.schedule_target}:live" : null

  # The `{ "scheduler": <part> }` source's values. Group, role and queue are named through their
  # resources, so a function whose environment names them is created after them.
  scheduler_source_values = local.has_schedules ? {
    group         = aws_scheduler_schedule_group.this[0].name
    roleArn       = "arn:${local.partition}:iam::${local.account_id}:role/${aws_iam_role.scheduler[0].name}"
    targetArn     = local.schedule_target_alias_arn
    deadLetterArn = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${aws_sqs_queue.dead_letter["schedules"].name}"
  } : {}
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
        Sid      = "InvokeScheduleTarget"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [module.function[local.schedule_target].lambda_alias_arn]
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
