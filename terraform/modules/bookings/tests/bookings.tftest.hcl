# Plans the bookings module against a mocked AWS provider: no credentials, no network.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  settings = {
    environment    = "dev"
    account_id     = "111111111111"
    event_bus_name = "tessera-dev"
  }
}

run "builds_the_bookings_table_from_services_bookings_table_json" {
  command = plan

  variables {
    declaration = jsondecode(file("../../../services/bookings/table.json"))
  }

  assert {
    condition     = module.service.dynamodb_table_name == "tessera-dev-bookings"
    error_message = "The bookings table is tessera-<environment>-bookings."
  }

  assert {
    condition     = module.service.dynamodb_table_index_names == [for index in var.declaration.globalSecondaryIndexes : index.name]
    error_message = "The bookings table has the declared indexes."
  }

  assert {
    condition     = module.service.dynamodb_table_index_names == ["by-user", "by-provider", "by-kind", "by-type"]
    error_message = "Every list reads one of the four indexes: by-user, by-provider, by-kind, by-type."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == "pk" && module.service.dynamodb_table_range_key == "sk"
    error_message = "The bookings table is keyed by pk (partition) and sk (sort), as services/bookings/table.json declares."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == var.declaration.partitionKey && module.service.dynamodb_table_range_key == var.declaration.sortKey
    error_message = "The bookings table's keys are the declared ones."
  }

  assert {
    condition = jsonencode(module.service.dynamodb_table_index_keys) == jsonencode({
      for index in var.declaration.globalSecondaryIndexes : index.name => { hash_key = index.partitionKey, range_key = try(index.sortKey, null) }
    })
    error_message = "Each index of the bookings table has the declared partition and sort keys."
  }

  assert {
    condition = alltrue([
      for name, hash_key in { "by-user" = "userKey", "by-provider" = "providerKey", "by-kind" = "kind", "by-type" = "typeKey" } :
      module.service.dynamodb_table_index_keys[name].hash_key == hash_key && module.service.dynamodb_table_index_keys[name].range_key == "sortKey"
    ])
    error_message = "Each list index is partitioned by its own key and sorted by sortKey."
  }

  assert {
    condition     = module.service.dynamodb_table_ttl_attribute_name == "ttl" && module.service.dynamodb_table_ttl_attribute_name == var.declaration.timeToLiveAttribute
    error_message = "Idempotency-Key records and consumed events expire through the declared TTL attribute, ttl."
  }

  assert {
    condition     = module.service.dynamodb_table_stream_view_type == "NEW_IMAGE" && module.service.dynamodb_table_stream_view_type == var.declaration.streamViewType
    error_message = "The table streams new images (NEW_IMAGE), as declared: the outbox publisher reads them."
  }

  assert {
    condition     = module.service.service.table_stream.table_name == "tessera-dev-bookings"
    error_message = "The table's stream is handed to the platform, so the outbox publisher reads it."
  }
}

run "protects_and_encrypts_the_bookings_table_by_default" {
  command = plan

  assert {
    condition     = module.service.dynamodb_table_billing_mode == "PAY_PER_REQUEST"
    error_message = "The bookings table is on-demand."
  }

  assert {
    condition     = module.service.dynamodb_table_point_in_time_recovery_enabled == true
    error_message = "Point-in-time recovery is on for the bookings table."
  }

  assert {
    condition     = module.service.dynamodb_table_server_side_encryption_enabled == true
    error_message = "Server-side encryption is on for the bookings table."
  }

  assert {
    condition     = module.service.dynamodb_table_deletion_protection_enabled == true
    error_message = "The bookings table is deletion-protected unless told otherwise."
  }
}

run "passes_deletion_protection_off_through_to_the_table" {
  command = plan

  variables {
    settings = {
      environment                = "dev"
      account_id                 = "111111111111"
      event_bus_name             = "tessera-dev"
      enable_deletion_protection = false
    }
  }

  assert {
    condition     = module.service.dynamodb_table_deletion_protection_enabled == false
    error_message = "enable_deletion_protection = false reaches the bookings table."
  }

  assert {
    condition     = module.service.dynamodb_table_point_in_time_recovery_enabled == true && module.service.dynamodb_table_server_side_encryption_enabled == true
    error_message = "Turning deletion protection off leaves recovery and encryption on."
  }
}

run "serves_the_bookings_operations_from_one_function" {
  command = plan

  assert {
    condition     = module.service.lambda_function_names == { bookings = "tessera-dev-bookings" }
    error_message = "The bookings service is one function, tessera-<env>-bookings."
  }

  assert {
    condition     = module.service.service.http_integration.function_name == "tessera-dev-bookings" && endswith(module.service.service.http_integration.invoke_arn, ":function:tessera-dev-bookings:live/invocations")
    error_message = "The platform routes the bookings operations to the function's live alias."
  }

  assert {
    condition     = module.service.service.http_authorizer == null
    error_message = "The bookings service is no authorizer."
  }

  assert {
    condition     = module.service.lambda_function_sizes["bookings"] == { memory_size = 512, timeout = 10, reserved_concurrent_executions = null }
    error_message = "The function is sized as its manifest says: 512 MB, 10 s, unreserved."
  }
}

run "subscribes_to_the_users_events_it_projects_and_the_payment_outcomes" {
  command = plan

  variables {
    subscriptions = jsondecode(file("../../../services/bookings/service.json")).subscriptions
  }

  assert {
    condition     = toset(keys(module.service.cloudwatch_event_rule_names)) == toset([for s in var.subscriptions : s.name])
    error_message = "One rule per declared subscription."
  }

  assert {
    condition     = module.service.cloudwatch_event_rule_names == { for s in var.subscriptions : s.name => "tessera-dev-bookings-${s.name}" } && module.service.cloudwatch_event_rule_names["user-directory"] == "tessera-dev-bookings-user-directory" && module.service.cloudwatch_event_rule_names["payment-outcomes"] == "tessera-dev-bookings-payment-outcomes"
    error_message = "The rules are named tessera-<env>-bookings-<subscription>: user-directory and payment-outcomes among them."
  }

  assert {
    condition = module.service.cloudwatch_event_rule_event_patterns["user-directory"] == {
      source        = ["tessera.users"]
      "detail-type" = ["user.registered", "user.role_changed"]
    }
    error_message = "The users-directory rule matches the users events the directory keeps: user.registered and user.role_changed from tessera.users."
  }

  assert {
    condition = module.service.cloudwatch_event_rule_event_patterns["payment-outcomes"] == {
      source        = ["tessera.payments"]
      "detail-type" = ["payment.succeeded", "payment.failed"]
    }
    error_message = "The payment-outcomes rule matches payment.succeeded and payment.failed from tessera.payments."
  }

  assert {
    condition     = alltrue([for arn in values(module.service.cloudwatch_event_target_arns) : arn == "arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-bookings:live"])
    error_message = "Every rule invokes the function's live alias."
  }

  assert {
    condition     = module.service.sqs_queue_dead_letter_arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-bookings-events-dlq" && alltrue([for arn in values(module.service.cloudwatch_event_target_dead_letter_arns) : arn == module.service.sqs_queue_dead_letter_arn])
    error_message = "Failed deliveries of every rule have a dead-letter queue."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(module.service.sqs_queue_dead_letter_policy_document).Statement :
      toset(statement.Condition.ArnEquals["aws:SourceArn"]) == toset([for s in var.subscriptions : "arn:aws:events:eu-west-1:111111111111:rule/tessera-dev/tessera-dev-bookings-${s.name}"])
    ])
    error_message = "Only the bookings rules may send to its dead-letter queue."
  }

  assert {
    condition     = module.service.sqs_queue_arns == {}
    error_message = "The subscriptions invoke the function directly: no queue."
  }

  assert {
    condition = module.service.lambda_function_event_invoke_configs == {
      bookings = { qualifier = "live", maximum_retry_attempts = 2, maximum_event_age_in_seconds = 3600, on_failure_destination = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-bookings-invocations-dlq" }
    } && module.service.invocations_sqs_queue_dead_letter_arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-bookings-invocations-dlq"
    error_message = "An event the function fails is retried twice, then goes to tessera-<env>-bookings-invocations-dlq."
  }

  assert {
    condition = [
      for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement : statement.Resource if contains(statement.Action, "sqs:SendMessage")
    ] == [["arn:aws:sqs:eu-west-1:111111111111:tessera-dev-bookings-invocations-dlq"]]
    error_message = "The role may send to the invocations dead-letter queue only, which Lambda does with it."
  }
}

# While services/bookings/service.json gains its schedule target, the runs below hold for the manifest
# with one (`schedule: true`, the scheduler source, the two time settings) and without.
run "reads_its_cursor_secret_and_nothing_else" {
  command = plan

  variables {
    scheduled = anytrue([for fn in values(jsondecode(file("../../../services/bookings/service.json")).functions) : try(fn.schedule, false)])
  }

  assert {
    condition = module.service.lambda_function_environment_variables["bookings"] == tomap(merge(
      {
        TABLE_NAME           = "tessera-dev-bookings"
        CURSOR_SECRET        = "ssm:/tessera/dev/bookings/cursor-secret"
        POWERTOOLS_LOG_LEVEL = "INFO"
        ENVIRONMENT          = "dev"
      },
      var.scheduled ? {
        SCHEDULE_GROUP           = "tessera-dev-bookings"
        SCHEDULER_ROLE_ARN       = "arn:aws:iam::111111111111:role/tessera-dev-bookings-scheduler"
        SCHEDULE_TARGET_ARN      = "arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-bookings:live"
        SCHEDULE_DEAD_LETTER_ARN = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-bookings-schedules-dlq"
        REMINDER_LEAD_SECONDS    = "600"
        PAYMENT_HOLD_SECONDS     = "900"
      } : {},
    ))
    error_message = "The function gets its table, its cursor secret by reference in SSM (a parameter name), its log level and, as the schedule target, its group, the scheduler's role, its own live alias, the schedules' dead-letter queue and the two lead times (600 s, 900 s by default)."
  }

  assert {
    condition     = module.service.ssm_parameter_names == { cursor-secret = "/tessera/dev/bookings/cursor-secret" }
    error_message = "The cursor secret is the bookings service's one parameter."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement : statement.Action])) == setunion([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
      "ssm:GetParameter", "sqs:SendMessage",
      ], var.scheduled ? [
      "scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule", "iam:PassRole",
    ] : [])
    error_message = "The bookings role holds logging, tracing (on by default), item reads and writes, queries, its cursor secret, sending its failed invocations and, as the schedule target, managing its schedules and passing their role: no Scan, no wildcard."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement : statement.Resource if statement.Sid == "UseOwnTable"
    ])) == toset(["arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-bookings"])
    error_message = "Its item actions are on its own table only."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement : statement.Resource if statement.Sid == "QueryOwnIndexes"
      ])) == toset([
      for index in ["by-user", "by-provider", "by-kind", "by-type"] : "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-bookings/index/${index}"
    ])
    error_message = "It queries its own four indexes and no other."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement : statement.Resource if statement.Sid == "ReadOwnParameters"
    ])) == toset(["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/bookings/cursor-secret"])
    error_message = "It reads only its own cursor secret."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement :
      statement.Sid == "SendTraces" || alltrue([for resource in flatten([statement.Resource]) : resource != "*"])
    ])
    error_message = "Every statement but X-Ray's (which has no resource-level permissions) names its resources."
  }
}

run "sends_no_traces_when_tracing_is_off" {
  command = plan

  variables {
    settings = {
      environment           = "dev"
      account_id            = "111111111111"
      event_bus_name        = "tessera-dev"
      enable_active_tracing = false
    }
  }

  assert {
    condition     = !contains(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement : statement.Action]), "xray:PutTraceSegments")
    error_message = "enable_active_tracing = false reaches the function: its role may not send traces."
  }
}

run "grants_no_action_with_a_wildcard" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in [module.service.iam_role_policy_documents["bookings"], module.service.sqs_queue_dead_letter_policy_document] : [
        for statement in jsondecode(document).Statement : [
          for action in flatten([statement.Action]) : !strcontains(action, "*")
        ]
      ]
    ]))
    error_message = "No statement of the role or of the dead-letter queue's policy has an action containing *."
  }

  assert {
    condition = alltrue([
      for document in [module.service.iam_role_policy_documents["bookings"], module.service.sqs_queue_dead_letter_policy_document] :
      alltrue([for statement in jsondecode(document).Statement : !contains(keys(statement), "NotAction")])
    ])
    error_message = "No statement uses NotAction."
  }
}

# What the settings may hold is the service module's to check (its `settings` input); its tests refuse
# unknown environments, log levels and retentions, missing settings and a subscription without a bus.

run "serves_the_booking_commands_of_the_websocket_api" {
  command = plan

  assert {
    condition     = module.service.service.websocket_integrations["bookings"].routes == ["createBooking", "getBooking", "listBookings", "updateBooking", "cancelBooking"]
    error_message = "The bookings function serves the WebSocket's booking commands."
  }

  assert {
    condition     = module.service.service.websocket_integrations["bookings"].invoke_arn == module.service.service.http_integration.invoke_arn
    error_message = "The WebSocket API invokes the same live alias as the HTTP API."
  }

  assert {
    condition     = !strcontains(module.service.iam_role_policy_documents["bookings"], "execute-api:")
    error_message = "Answering a command is the route's response: bookings never posts to connections itself."
  }
}

run "schedules_payment_holds_and_reminders_in_its_own_group" {
  command = plan

  variables {
    settings = {
      environment     = "prod"
      account_id      = "333333333333"
      event_bus_name  = "tessera-prod"
      enable_alarms   = true
      alarm_topic_arn = "arn:aws:sns:eu-west-1:333333333333:tessera-prod-alarms"
      # The manifest without its schedule target declares no lead time to set.
      variables = anytrue([for fn in values(jsondecode(file("../../../services/bookings/service.json")).functions) : try(fn.schedule, false)]) ? { reminder_lead_seconds = "300" } : {}
    }
    manifest = jsondecode(file("../../../services/bookings/service.json"))
  }

  assert {
    condition = anytrue([for fn in values(var.manifest.functions) : try(fn.schedule, false)]) ? (
      module.service.scheduler_schedule_group_name == "tessera-prod-bookings"
      && module.service.scheduler_lambda_alias_arn == "arn:aws:lambda:eu-west-1:333333333333:function:tessera-prod-bookings:live"
      && module.service.scheduler_sqs_queue_dead_letter_name == "tessera-prod-bookings-schedules-dlq"
      && module.service.service.scheduler == { schedule_group_name = "tessera-prod-bookings", sqs_queue_dead_letter_name = "tessera-prod-bookings-schedules-dlq" }
      ) : (
      module.service.scheduler_schedule_group_name == null && module.service.service.scheduler == null
    )
    error_message = "The bookings function is the target of the schedules of tessera-<env>-bookings, whose dead letters go to tessera-<env>-bookings-schedules-dlq."
  }

  assert {
    condition = anytrue([for fn in values(var.manifest.functions) : try(fn.schedule, false)]) ? (
      jsondecode(module.service.scheduler_iam_role_policy_document).Statement == [
        {
          Sid      = "InvokeScheduleTarget"
          Effect   = "Allow"
          Action   = ["lambda:InvokeFunction"]
          Resource = ["arn:aws:lambda:eu-west-1:333333333333:function:tessera-prod-bookings:live"]
        },
        {
          Sid      = "SendUndeliveredSchedules"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:eu-west-1:333333333333:tessera-prod-bookings-schedules-dlq"]
        },
      ]
    ) : module.service.scheduler_iam_role_policy_document == null
    error_message = "The scheduler's execution role may invoke the bookings function's live alias and send to the schedules' dead-letter queue, nothing else."
  }

  assert {
    condition = anytrue([for fn in values(var.manifest.functions) : try(fn.schedule, false)]) ? (
      [for statement in jsondecode(module.service.iam_role_policy_documents["bookings"]).Statement : [statement.Action, statement.Resource] if contains(["ManageOwnSchedules", "PassSchedulerRole"], statement.Sid)] == [
        [["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"], ["arn:aws:scheduler:eu-west-1:333333333333:schedule/tessera-prod-bookings/*"]],
        [["iam:PassRole"], ["arn:aws:iam::333333333333:role/tessera-prod-bookings-scheduler"]],
      ]
    ) : !strcontains(module.service.iam_role_policy_documents["bookings"], "scheduler:")
    error_message = "The bookings function manages the schedules of its own group only, and passes that one role only."
  }

  assert {
    condition = anytrue([for fn in values(var.manifest.functions) : try(fn.schedule, false)]) ? (
      module.service.lambda_function_environment_variables["bookings"]["REMINDER_LEAD_SECONDS"] == "300"
      && module.service.lambda_function_environment_variables["bookings"]["PAYMENT_HOLD_SECONDS"] == "900"
      && module.service.cloudwatch_event_target_arns["schedules"] == "arn:aws:lambda:eu-west-1:333333333333:function:tessera-prod-bookings:live"
      && contains(module.service.cloudwatch_metric_alarm_names, "tessera-prod-bookings-schedules-dlq-not-empty")
    ) : !contains(module.service.cloudwatch_metric_alarm_names, "tessera-prod-bookings-schedules-dlq-not-empty")
    error_message = "An environment's lead time reaches the function, the hold keeps its default, the schedules subscription invokes the live alias, and the schedules' dead-letter queue alarms."
  }
}
