# What each function may do, derived from its manifest entry: the table (and its indexes and key)
# only when its environment names the table; `ssm:GetParameter` only on the parameters its
# environment names (and the parameter key to decrypt them); receiving from the queues of the
# subscriptions it is the target of (what the event source mapping does with the function's role:
# receive, delete and read the queue's attributes, on those queues only); as a function target,
# sending to the invocations dead-letter queue only (what Lambda does with the function's role when
# an asynchronous invocation fails, events.tf); as a schedule target, managing the schedules
# of its group; and, for a function whose environment names the WebSocket API's connections,
# posting to them. The function module adds logging and tracing; `policy_statements` adds what a
# service module grants beyond that.

locals {
  uses_table = {
    for name, fn in local.functions : name => anytrue([for source in values(fn.sources) : source.kind == "table"])
  }
  secrets_read = {
    for name, fn in local.functions : name => distinct([for source in values(fn.sources) : source.id if source.kind == "secret"])
  }

  table_statements = local.has_table ? concat(
    [
      {
        sid       = "UseOwnTable"
        actions   = var.table_actions
        resources = [local.table_arn]
      },
    ],
    length(local.index_arns) == 0 ? [] : [
      {
        sid       = "QueryOwnIndexes"
        actions   = var.index_actions
        resources = local.index_arns
      },
    ],
    var.settings.table_kms_key_arn == null ? [] : [
      {
        sid       = "UseTableKey"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [var.settings.table_kms_key_arn]
      },
    ],
  ) : []

  parameter_statements = {
    for name, ids in local.secrets_read : name => concat(
      length(ids) == 0 ? [] : [
        {
          sid       = "ReadOwnParameters"
          actions   = ["ssm:GetParameter"]
          resources = [for id in ids : local.parameter_arns[id]]
        },
      ],
      var.settings.parameter_kms_key_arn == null || !anytrue([for id in ids : local.secrets[id].type == "SecureString"]) ? [] : [
        {
          sid       = "DecryptOwnParameters"
          actions   = ["kms:Decrypt"]
          resources = [var.settings.parameter_kms_key_arn]
        },
      ],
    )
  }

  queue_statements = {
    for name, _ in local.functions : name => [
      for queues in [[for subscription, target in local.queue_subscriptions : local.queue_arns[subscription] if target.function == name]] : {
        sid = "ConsumeOwnQueues"
        actions = [
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "sqs:ReceiveMessage",
        ]
        resources = queues
      } if length(queues) > 0
    ]
  }

  invocation_statements = {
    for name, _ in local.functions : name => contains(local.function_targets, name) ? [
      {
        sid       = "SendFailedInvocations"
        actions   = ["sqs:SendMessage"]
        resources = [local.invocation_dead_letter_arn]
      },
    ] : []
  }

  # The two differ in shape (one has a condition), so they are filtered, not chosen by a conditional.
  scheduler_statements = [
    {
      sid = "ManageOwnSchedules"
      actions = [
        "scheduler:CreateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
        "scheduler:UpdateSchedule",
      ]
      resources = ["arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/${local.schedule_group_name}/*"]
    },
    {
      sid        = "PassSchedulerRole"
      actions    = ["iam:PassRole"]
      resources  = [local.scheduler_role_arn]
      conditions = { StringEquals = { "iam:PassedToService" = ["scheduler.amazonaws.com"] } }
    },
  ]
  schedule_statements = {
    for name, fn in local.functions : name => [for statement in local.scheduler_statements : statement if fn.schedule]
  }

  # Posting to the WebSocket API's connections: `execute-api:ManageConnections` on
  # `<api>/<stage>/POST/@connections/*` only (a message to a connection; no GET of its state, no
  # DELETE: a gone connection's item is deleted from the table, the connection is already closed).
  # The API's id is known only once the API exists, so the policy names it through the role's tag
  # (`websocket_api_tag`, set from settings.websocket.api_id in main.tf): IAM substitutes it at
  # evaluation, and the policy is known at plan, for the plan policy to check (ADR 0031).
  websocket_api_tag = "tessera-websocket-api-id"
  connection_statements = var.settings.websocket == null ? [] : [
    {
      sid       = "PostToOwnConnections"
      actions   = ["execute-api:ManageConnections"]
      resources = ["arn:${local.partition}:execute-api:${local.region}:${local.account_id}:$${aws:PrincipalTag/${local.websocket_api_tag}}/${var.settings.websocket.stage_name}/POST/@connections/*"]
    },
  ]

  policy_statements = {
    for name, _ in local.functions : name => concat(
      local.uses_table[name] ? local.table_statements : [],
      local.posts_to_connections[name] ? local.connection_statements : [],
      local.parameter_statements[name],
      local.queue_statements[name],
      local.invocation_statements[name],
      local.schedule_statements[name],
      lookup(var.policy_statements, name, []),
    )
  }
}
