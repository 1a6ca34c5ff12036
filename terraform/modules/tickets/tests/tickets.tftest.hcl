# Plans the tickets module against a mocked AWS provider: no credentials, no network.

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

run "builds_the_tickets_table_from_services_tickets_table_json" {
  command = plan

  variables {
    declaration = jsondecode(file("../../../services/tickets/table.json"))
  }

  assert {
    condition     = module.service.dynamodb_table_name == "tessera-dev-tickets"
    error_message = "The tickets table is tessera-<environment>-tickets."
  }

  assert {
    condition     = module.service.dynamodb_table_index_names == [for index in var.declaration.globalSecondaryIndexes : index.name]
    error_message = "The tickets table has the declared indexes: by-status, by-reporter, by-assignee."
  }

  assert {
    condition     = module.service.dynamodb_table_index_names == ["by-status", "by-reporter", "by-assignee"]
    error_message = "Every list reads one of the three indexes."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == "pk" && module.service.dynamodb_table_range_key == "sk"
    error_message = "The tickets table is keyed by pk (partition) and sk (sort), as services/tickets/table.json declares."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == var.declaration.partitionKey && module.service.dynamodb_table_range_key == var.declaration.sortKey
    error_message = "The tickets table's keys are the declared ones."
  }

  assert {
    condition = jsonencode(module.service.dynamodb_table_index_keys) == jsonencode({
      for index in var.declaration.globalSecondaryIndexes : index.name => { hash_key = index.partitionKey, range_key = try(index.sortKey, null) }
    })
    error_message = "Each index of the tickets table has the declared partition and sort keys."
  }

  assert {
    condition = alltrue([
      for name, hash_key in { "by-status" = "statusKey", "by-reporter" = "reporterKey", "by-assignee" = "assigneeKey" } :
      module.service.dynamodb_table_index_keys[name].hash_key == hash_key && module.service.dynamodb_table_index_keys[name].range_key == "listKey"
    ])
    error_message = "Each list index is partitioned by its own key and sorted by listKey."
  }
}

run "protects_and_encrypts_the_tickets_table_by_default" {
  command = plan

  assert {
    condition     = module.service.dynamodb_table_billing_mode == "PAY_PER_REQUEST"
    error_message = "The tickets table is on-demand."
  }

  assert {
    condition     = module.service.dynamodb_table_point_in_time_recovery_enabled == true
    error_message = "Point-in-time recovery is on for the tickets table."
  }

  assert {
    condition     = module.service.dynamodb_table_server_side_encryption_enabled == true
    error_message = "Server-side encryption is on for the tickets table."
  }

  assert {
    condition     = module.service.dynamodb_table_deletion_protection_enabled == true
    error_message = "The tickets table is deletion-protected unless told otherwise."
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
    error_message = "enable_deletion_protection = false reaches the tickets table."
  }

  assert {
    condition     = module.service.dynamodb_table_point_in_time_recovery_enabled == true && module.service.dynamodb_table_server_side_encryption_enabled == true
    error_message = "Turning deletion protection off leaves recovery and encryption on."
  }
}

run "subscribes_to_the_users_events_it_projects" {
  command = plan

  variables {
    subscriptions = jsondecode(file("../../../services/tickets/service.json")).subscriptions
  }

  assert {
    condition     = keys(module.service.cloudwatch_event_rule_names) == [for s in var.subscriptions : s.name]
    error_message = "One rule per declared subscription."
  }

  assert {
    condition     = module.service.cloudwatch_event_rule_names["user-directory"] == "tessera-dev-tickets-user-directory"
    error_message = "The users-directory rule keeps its name, tessera-<env>-tickets-user-directory."
  }

  assert {
    condition     = module.service.sqs_queue_dead_letter_arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-tickets-events-dlq"
    error_message = "Failed deliveries have a dead-letter queue."
  }

  assert {
    condition = module.service.lambda_function_event_invoke_configs == {
      tickets = { qualifier = "live", maximum_retry_attempts = 2, maximum_event_age_in_seconds = 3600, on_failure_destination = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-tickets-invocations-dlq" }
    }
    error_message = "An event the function fails is retried twice, then goes to tessera-<env>-tickets-invocations-dlq."
  }

  assert {
    condition = [
      for statement in jsondecode(module.service.iam_role_policy_documents["tickets"]).Statement : statement.Resource if contains(statement.Action, "sqs:SendMessage")
    ] == [["arn:aws:sqs:eu-west-1:111111111111:tessera-dev-tickets-invocations-dlq"]]
    error_message = "The role may send to the invocations dead-letter queue only, which Lambda does with it."
  }
}

run "reads_its_cursor_secret_and_nothing_else" {
  command = plan

  assert {
    condition = module.service.lambda_function_environment_variables["tickets"] == tomap({
      TABLE_NAME           = "tessera-dev-tickets"
      CURSOR_SECRET        = "ssm:/tessera/dev/tickets/cursor-secret"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "dev"
    })
    error_message = "The function gets its table, its cursor secret by reference in SSM, and its log level."
  }

  assert {
    condition     = module.service.ssm_parameter_names == { cursor-secret = "/tessera/dev/tickets/cursor-secret" }
    error_message = "The cursor secret is the tickets service's one parameter."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["tickets"]).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
      "ssm:GetParameter", "sqs:SendMessage",
    ])
    error_message = "The tickets role holds logging, tracing (on by default), item reads and writes, queries, its cursor secret and sending its failed invocations: no Scan, no wildcard."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["tickets"]).Statement : statement.Resource if statement.Sid == "ReadOwnParameters"
    ])) == toset(["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/tickets/cursor-secret"])
    error_message = "It reads only its own cursor secret."
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
    condition     = !contains(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["tickets"]).Statement : statement.Action]), "xray:PutTraceSegments")
    error_message = "enable_active_tracing = false reaches the function: its role may not send traces."
  }
}

run "grants_no_action_with_a_wildcard" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in [module.service.iam_role_policy_documents["tickets"], module.service.sqs_queue_dead_letter_policy_document] : [
        for statement in jsondecode(document).Statement : [
          for action in flatten([statement.Action]) : !strcontains(action, "*")
        ]
      ]
    ]))
    error_message = "No statement of the role or of the dead-letter queue's policy has an action containing *."
  }

  assert {
    condition = alltrue([
      for document in [module.service.iam_role_policy_documents["tickets"], module.service.sqs_queue_dead_letter_policy_document] :
      alltrue([for statement in jsondecode(document).Statement : !contains(keys(statement), "NotAction")])
    ])
    error_message = "No statement uses NotAction."
  }
}

# What the settings may hold is the service module's to check (its `settings` input); its tests refuse
# unknown environments, log levels and retentions, missing settings and a subscription without a bus.
