# Plans the payments module against a mocked AWS provider: no credentials, no network. The service
# module's tests cover what every service gets alike; these check what the payments manifest makes
# of it: its table, and the charges queue with its dead-letter queue, policy, mapping and alarms.

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
  charges_queue_arn = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-payments-charges"
  charges_rule_arn  = "arn:aws:events:eu-west-1:111111111111:rule/tessera-dev/tessera-dev-payments-charges"
}

run "builds_the_payments_table_from_services_payments_table_json" {
  command = plan

  variables {
    declaration = jsondecode(file("../../../services/payments/table.json"))
  }

  assert {
    condition     = module.service.dynamodb_table_name == "tessera-dev-payments"
    error_message = "The payments table is tessera-<environment>-payments."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == var.declaration.partitionKey && module.service.dynamodb_table_range_key == var.declaration.sortKey
    error_message = "The payments table's keys are the declared ones."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == "pk" && module.service.dynamodb_table_range_key == "sk" && module.service.dynamodb_table_index_names == []
    error_message = "The payments table is keyed by pk and sk, with no index, as services/payments/table.json declares."
  }

  assert {
    condition     = module.service.dynamodb_table_ttl_attribute_name == "ttl" && module.service.dynamodb_table_ttl_attribute_name == var.declaration.timeToLiveAttribute
    error_message = "The processed-once records expire through the declared TTL attribute, ttl."
  }

  assert {
    condition     = module.service.dynamodb_table_stream_view_type == "NEW_IMAGE" && module.service.service.table_stream.table_name == "tessera-dev-payments"
    error_message = "The table streams new images and hands its stream to the platform: the outbox publisher sends the payment events."
  }

  assert {
    condition     = module.service.dynamodb_table_point_in_time_recovery_enabled && module.service.dynamodb_table_server_side_encryption_enabled && module.service.dynamodb_table_deletion_protection_enabled
    error_message = "The payments table has recovery and encryption on, and deletion protection unless told otherwise."
  }
}

run "serves_the_payments_operations_and_consumes_the_charges_from_one_function" {
  command = plan

  assert {
    condition     = module.service.lambda_function_names == { payments = "tessera-dev-payments" }
    error_message = "The payments service is one function, tessera-<env>-payments."
  }

  assert {
    condition     = module.service.service.http_integration.function_name == "tessera-dev-payments" && endswith(module.service.service.http_integration.invoke_arn, ":function:tessera-dev-payments:live/invocations")
    error_message = "The platform routes the payments operations to the function's live alias."
  }

  assert {
    condition     = module.service.lambda_function_sizes["payments"] == { memory_size = 512, timeout = 10, reserved_concurrent_executions = null }
    error_message = "The function is sized as its manifest says: 512 MB, 10 s, unreserved."
  }

  assert {
    condition = module.service.lambda_function_environment_variables["payments"] == tomap({
      TABLE_NAME           = "tessera-dev-payments"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "dev"
    })
    error_message = "The function gets its table and its log level, nothing else."
  }
}

run "subscribes_to_new_bookings_through_a_queue_and_to_their_outcomes_directly" {
  command = plan

  assert {
    condition = module.service.cloudwatch_event_rule_names == {
      charges          = "tessera-dev-payments-charges"
      booking-outcomes = "tessera-dev-payments-booking-outcomes"
    }
    error_message = "One rule per subscription: tessera-<env>-payments-charges and tessera-<env>-payments-booking-outcomes."
  }

  assert {
    condition = module.service.cloudwatch_event_rule_event_patterns == {
      charges          = { source = ["tessera.bookings"], "detail-type" = ["booking.created"] }
      booking-outcomes = { source = ["tessera.bookings"], "detail-type" = ["booking.cancelled", "booking.expired", "booking.payment_failed"] }
    }
    error_message = "The charges rule matches booking.created, the outcomes rule the bookings that no longer want their payment."
  }

  assert {
    condition = (
      module.service.cloudwatch_event_target_arns["charges"] == var.charges_queue_arn
      && module.service.cloudwatch_event_target_arns["booking-outcomes"] == "arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-payments:live"
    )
    error_message = "The charges rule sends to the charges queue; the outcomes rule invokes the function's live alias."
  }

  assert {
    condition     = module.service.cloudwatch_event_target_dead_letter_arns == { charges = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-payments-events-dlq", booking-outcomes = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-payments-events-dlq" }
    error_message = "Each rule's target sends what it could not deliver to the service's events dead-letter queue."
  }

  assert {
    condition     = alltrue([for policy in values(module.service.cloudwatch_event_target_retry_policies) : policy.maximum_retry_attempts > 0 && policy.maximum_event_age_in_seconds > 0])
    error_message = "Each rule's target retries a failed delivery before dead-lettering it."
  }

  assert {
    condition = module.service.lambda_function_event_invoke_configs == {
      payments = { qualifier = "live", maximum_retry_attempts = 2, maximum_event_age_in_seconds = 3600, on_failure_destination = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-payments-invocations-dlq" }
    }
    error_message = "An outcome the function fails (the rule invokes it asynchronously) is retried twice, then goes to tessera-<env>-payments-invocations-dlq; the charges come through the mapping, whose queue redrives them."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(module.service.sqs_queue_dead_letter_policy_document).Statement :
      toset(statement.Condition.ArnEquals["aws:SourceArn"]) == toset([var.charges_rule_arn, "arn:aws:events:eu-west-1:111111111111:rule/tessera-dev/tessera-dev-payments-booking-outcomes"])
    ])
    error_message = "Only the two payments rules may send to the events dead-letter queue."
  }
}

run "delivers_the_charges_through_an_encrypted_queue_that_retries_twice_then_dead_letters" {
  command = plan

  assert {
    condition     = module.service.sqs_queue_arns == { charges = var.charges_queue_arn }
    error_message = "The charges subscription has one queue, tessera-<env>-payments-charges."
  }

  assert {
    condition = module.service.sqs_queue_sse_enabled == {
      "tessera-dev-payments-charges"         = true
      "tessera-dev-payments-charges-dlq"     = true
      "tessera-dev-payments-events-dlq"      = true
      "tessera-dev-payments-invocations-dlq" = true
    }
    error_message = "The charges queue, its dead-letter queue, the events and the invocations dead-letter queues are encrypted (SQS managed SSE)."
  }

  assert {
    condition     = module.service.sqs_queue_redrive_policies["charges"] == { deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-payments-charges-dlq", maxReceiveCount = 3 }
    error_message = "A charge is received 3 times (the first attempt and 2 retries), then moves to tessera-<env>-payments-charges-dlq."
  }

  assert {
    condition     = module.service.sqs_queue_subscription_dead_letter_arns == { charges = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-payments-charges-dlq" }
    error_message = "The charges queue's dead-letter queue is its own."
  }

  assert {
    condition     = module.service.sqs_queue_visibility_timeout_seconds == { charges = 60 }
    error_message = "A received charge stays hidden 60 s, 6 times the function's 10 s timeout; the manifest's devstackVisibilityTimeout is the devstack's only."
  }

  assert {
    condition = jsondecode(module.service.sqs_queue_policy_documents["charges"]).Statement == [{
      Sid       = "EventBridgeDeliversEvents"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = var.charges_queue_arn
      Condition = { ArnEquals = { "aws:SourceArn" = var.charges_rule_arn } }
    }]
    error_message = "Only EventBridge may send to the charges queue, and only from the charges rule (aws:SourceArn pinned)."
  }

  assert {
    condition = (
      module.service.lambda_event_source_mapping_event_source_arns == { charges = var.charges_queue_arn }
      && module.service.lambda_event_source_mapping_function_names == { charges = "arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-payments:live" }
    )
    error_message = "An event source mapping hands the charges queue's batches to the function's live alias."
  }

  assert {
    condition     = module.service.lambda_event_source_mapping_function_response_types == { charges = toset(["ReportBatchItemFailures"]) }
    error_message = "The function reports the charges it failed (ReportBatchItemFailures), so only those are received again."
  }
}

run "hides_a_charge_6_times_the_timeout_the_environment_gives_the_function" {
  command = plan

  variables {
    settings = {
      environment    = "dev"
      account_id     = "111111111111"
      event_bus_name = "tessera-dev"
      functions      = { payments = { timeout = 20 } }
    }
  }

  assert {
    condition     = module.service.sqs_queue_visibility_timeout_seconds == { charges = 120 }
    error_message = "A longer timeout in the environment lengthens the visibility timeout with it: 6 x 20 s."
  }
}

run "alarms_on_the_queues_when_alarms_are_on" {
  command = plan

  variables {
    settings = {
      environment     = "staging"
      account_id      = "111111111111"
      event_bus_name  = "tessera-staging"
      enable_alarms   = true
      alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:tessera-staging-alarms"
    }
  }

  assert {
    condition = alltrue([
      for name in ["tessera-staging-payments-charges-dlq-not-empty", "tessera-staging-payments-events-dlq-not-empty", "tessera-staging-payments-invocations-dlq-not-empty"] :
      contains(module.service.cloudwatch_metric_alarm_names, name)
    ])
    error_message = "Every dead-letter queue, the charges', the events' and the invocations', alarms on its first message."
  }

  assert {
    condition     = contains(module.service.cloudwatch_metric_alarm_names, "tessera-staging-payments-charges-message-age")
    error_message = "The charges queue alarms when its oldest charge waits longer than its retries allow."
  }

  assert {
    condition = alltrue([
      for name in ["tessera-staging-payments-errors", "tessera-staging-payments-throttles"] : contains(module.service.cloudwatch_metric_alarm_names, name)
    ])
    error_message = "The function alarms on errors and throttles."
  }
}

run "has_no_alarms_when_alarms_are_off" {
  command = plan

  assert {
    condition     = length(module.service.cloudwatch_metric_alarm_names) == 0
    error_message = "Alarms are opt-in: dev has none."
  }
}

run "consumes_its_charges_queue_and_no_other_with_the_three_actions_the_mapping_uses" {
  command = plan

  assert {
    condition = toset(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["payments"]).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
      "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage",
    ])
    error_message = "The payments role holds logging, tracing, items and queries on its table, consuming its queue and sending its failed invocations: no Scan, no parameter, no wildcard."
  }

  assert {
    condition = [
      for statement in jsondecode(module.service.iam_role_policy_documents["payments"]).Statement : { actions = toset(statement.Action), resources = statement.Resource }
      if anytrue([for action in statement.Action : startswith(action, "sqs:")])
      ] == [
      {
        actions   = toset(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"])
        resources = [var.charges_queue_arn]
      },
      {
        actions   = toset(["sqs:SendMessage"])
        resources = ["arn:aws:sqs:eu-west-1:111111111111:tessera-dev-payments-invocations-dlq"]
      },
    ]
    error_message = "Two statements grant SQS: sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes on the charges queue's ARN only, and sqs:SendMessage on the invocations dead-letter queue's only."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["payments"]).Statement : statement.Resource if statement.Sid == "UseOwnTable"
    ])) == toset(["arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-payments"])
    error_message = "Its item actions are on its own table only."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(module.service.iam_role_policy_documents["payments"]).Statement :
      statement.Sid == "SendTraces" || alltrue([for resource in flatten([statement.Resource]) : resource != "*"])
    ])
    error_message = "Every statement but X-Ray's (which has no resource-level permissions) names its resources."
  }
}

run "grants_no_action_with_a_wildcard" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in [module.service.iam_role_policy_documents["payments"], module.service.sqs_queue_dead_letter_policy_document, module.service.sqs_queue_policy_documents["charges"]] : [
        for statement in jsondecode(document).Statement : [for action in flatten([statement.Action]) : !strcontains(action, "*")]
      ]
    ]))
    error_message = "No statement of the role or of the queues' policies has an action containing *."
  }

  assert {
    condition = alltrue([
      for document in [module.service.iam_role_policy_documents["payments"], module.service.sqs_queue_dead_letter_policy_document, module.service.sqs_queue_policy_documents["charges"]] :
      alltrue([for statement in jsondecode(document).Statement : !contains(keys(statement), "NotAction")])
    ])
    error_message = "No statement uses NotAction."
  }
}

# What the settings may hold is the service module's to check (its `settings` input); its tests refuse
# unknown environments, log levels and retentions, missing settings and a subscription without a bus.
