# Plans the service building block against a mocked AWS provider: no credentials, no network.
# The table must match its declaration field by field, because the devstack builds its table from
# the same file.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  name                   = "bookings"
  environment            = "staging"
  account_id             = "111111111111"
  package_path           = "bookings.zip"
  table_declaration_path = "tests/fixtures/full-table.json"
}

run "builds_the_table_from_its_declaration" {
  command = plan

  variables {
    declaration = jsondecode(file("tests/fixtures/full-table.json"))
  }

  assert {
    condition     = aws_dynamodb_table.this.name == "tessera-staging-bookings"
    error_message = "The table is named tessera-<environment>-<declared name>."
  }

  assert {
    condition     = aws_dynamodb_table.this.hash_key == var.declaration.partitionKey && aws_dynamodb_table.this.range_key == var.declaration.sortKey
    error_message = "The table's keys are the declared partition and sort keys."
  }

  assert {
    condition = toset([for a in aws_dynamodb_table.this.attribute : "${a.name}:${a.type}"]) == toset([
      for name, type in var.declaration.attributes : "${name}:${type}"
    ])
    error_message = "The table defines exactly the declared attributes, with their types."
  }

  assert {
    condition = toset([
      for index in aws_dynamodb_table.this.global_secondary_index : jsonencode([
        index.name, index.hash_key, index.range_key, index.projection_type, try(sort(index.non_key_attributes), [])
      ])
      ]) == toset([
      for index in var.declaration.globalSecondaryIndexes : jsonencode([
        index.name, index.partitionKey, try(index.sortKey, null), index.projection, try(sort(index.nonKeyAttributes), [])
      ])
    ])
    error_message = "The table's indexes are the declared ones: names, keys, projections and projected attributes."
  }

  assert {
    condition     = aws_dynamodb_table.this.ttl[0].attribute_name == var.declaration.timeToLiveAttribute && aws_dynamodb_table.this.ttl[0].enabled
    error_message = "Items expire through the declared TTL attribute."
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == var.declaration.streamViewType
    error_message = "The stream is on, with the declared view type."
  }

  assert {
    condition = output.dynamodb_table_hash_key == "pk" && output.dynamodb_table_range_key == "sk" && jsonencode(output.dynamodb_table_index_keys) == jsonencode({
      gsi1 = { hash_key = "gsi1pk", range_key = "gsi1sk" }
      gsi2 = { hash_key = "gsi2pk", range_key = null }
    })
    error_message = "The key outputs show the table's and each index's keys."
  }
}

run "builds_a_minimal_declaration_without_extras" {
  command = plan

  variables {
    name                   = "minimal"
    table_declaration_path = "tests/fixtures/minimal-table.json"
  }

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == null
    error_message = "A declaration without a sort key makes a table without one."
  }

  assert {
    condition     = length(aws_dynamodb_table.this.global_secondary_index) == 0 && length(aws_dynamodb_table.this.ttl) == 0
    error_message = "No indexes and no TTL unless declared."
  }

  assert {
    condition     = !aws_dynamodb_table.this.stream_enabled && output.dynamodb_table_stream_arn == null
    error_message = "No stream unless declared."
  }

  assert {
    condition     = !strcontains(output.iam_role_policy_document, "/index/")
    error_message = "Without indexes the role gets no index permissions."
  }

  assert {
    condition     = output.dynamodb_table_hash_key == "pk" && output.dynamodb_table_range_key == null && length(output.dynamodb_table_index_keys) == 0
    error_message = "The key outputs show a table with a partition key only and no indexes."
  }
}

run "protects_and_encrypts_the_table" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "Tables are on-demand."
  }

  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery is on."
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled
    error_message = "Server-side encryption with KMS is on."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Deletion protection is on unless turned off."
  }

  assert {
    condition     = output.dynamodb_table_billing_mode == "PAY_PER_REQUEST" && output.dynamodb_table_point_in_time_recovery_enabled && output.dynamodb_table_server_side_encryption_enabled && output.dynamodb_table_deletion_protection_enabled
    error_message = "The outputs report what the table is built with."
  }
}

run "can_turn_deletion_protection_off_and_use_a_customer_key" {
  command = plan

  variables {
    enable_deletion_protection = false
    table_kms_key_arn          = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  }

  assert {
    condition     = !aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Deletion protection follows its input."
  }

  assert {
    condition     = output.dynamodb_table_deletion_protection_enabled == false
    error_message = "The deletion protection output follows the table."
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
    error_message = "The table is encrypted with the key given."
  }

  assert {
    condition = contains(flatten([
      for statement in jsondecode(output.iam_role_policy_document).Statement : statement.Resource if statement.Sid == "UseTableKey"
    ]), "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000")
    error_message = "The function may use the table's key."
  }
}

run "scopes_the_role_to_its_own_table_and_indexes" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for statement in jsondecode(output.iam_role_policy_document).Statement : [
        for action in statement.Action : !strcontains(action, "*")
      ]
    ]))
    error_message = "No statement grants a wildcard action."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(output.iam_role_policy_document).Statement : statement.Resource if startswith(statement.Sid, "UseOwnTable") || startswith(statement.Sid, "QueryOwnIndexes")
      ])) == toset([
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-staging-bookings",
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-staging-bookings/index/gsi1",
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-staging-bookings/index/gsi2",
    ])
    error_message = "DynamoDB permissions cover the service's own table and its indexes, nothing else."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(output.iam_role_policy_document).Statement : statement.Action if startswith(statement.Action[0], "dynamodb:")
      ])) == toset([
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
    ])
    error_message = "The function may read and write items and query, but never scan."
  }

  assert {
    condition     = output.lambda_function_name == "tessera-staging-bookings"
    error_message = "The function is named tessera-<environment>-<service>."
  }
}

run "refuses_an_unknown_environment" {
  command = plan

  variables {
    environment = "qa"
  }

  expect_failures = [var.environment]
}

run "makes_no_rule_and_no_queue_without_subscriptions" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_event_rule.this) == 0 && length(aws_sqs_queue.dead_letter) == 0 && length(aws_lambda_permission.events) == 0
    error_message = "A service that subscribes to nothing gets no rules, permissions or queue."
  }
}

run "turns_each_subscription_into_a_rule_on_the_bus_that_invokes_the_alias" {
  command = plan

  variables {
    subscriptions_path = "tests/fixtures/subscriptions.json"
    event_bus_name     = "tessera-staging"
    enable_alarms      = true
    alarm_topic_arn    = "arn:aws:sns:eu-west-1:111111111111:tessera-staging-alarms"
    declared           = jsondecode(file("tests/fixtures/subscriptions.json")).subscriptions
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.this)) == toset(["payments", "users"])
    error_message = "One rule per subscription."
  }

  assert {
    condition     = alltrue([for s in var.declared : jsondecode(aws_cloudwatch_event_rule.this[s.name].event_pattern) == s.pattern])
    error_message = "Each rule's pattern is the declared pattern."
  }

  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.this : rule.event_bus_name == "tessera-staging" && startswith(rule.name, "tessera-staging-bookings-")])
    error_message = "Rules listen on the given bus and are named after the service."
  }

  assert {
    condition     = alltrue([for target in aws_cloudwatch_event_target.this : target.arn == module.function.lambda_alias_arn && target.retry_policy[0].maximum_retry_attempts == 8])
    error_message = "Every rule invokes the function's live alias, with retries."
  }

  assert {
    condition     = alltrue([for target in aws_cloudwatch_event_target.this : target.dead_letter_config[0].arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-events-dlq"])
    error_message = "Failed deliveries go to the service's dead-letter queue."
  }

  assert {
    condition     = aws_sqs_queue.dead_letter[0].sqs_managed_sse_enabled && aws_sqs_queue.dead_letter[0].message_retention_seconds == 1209600
    error_message = "The dead-letter queue is encrypted and keeps messages 14 days."
  }

  assert {
    condition     = toset(jsondecode(aws_sqs_queue_policy.dead_letter[0].policy).Statement[0].Condition.ArnEquals["aws:SourceArn"]) == toset([for p in aws_lambda_permission.events : p.source_arn])
    error_message = "Only the service's own rules may send to its dead-letter queue."
  }

  assert {
    condition     = alltrue([for p in aws_lambda_permission.events : p.principal == "events.amazonaws.com" && p.qualifier == "live"])
    error_message = "EventBridge may invoke the live alias, from those rules only."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dead_letters) == 1
    error_message = "Dead letters raise an alarm when alarms are on."
  }
}

run "refuses_subscriptions_without_a_bus" {
  command = plan

  variables {
    subscriptions_path = "tests/fixtures/subscriptions.json"
  }

  expect_failures = [aws_cloudwatch_event_rule.this]
}

run "refuses_a_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_in_days = 10
  }

  expect_failures = [var.log_retention_in_days]
}
