# Plans the service module against a mocked AWS provider: no credentials, no network. The fixture
# manifests (tests/fixtures/*.service.json, valid manifests: tests/deploy/terraform-conventions.test.ts
# parses them with the manifest schema) use every field Terraform reads. The table must match its
# declaration field by field, because the devstack builds its table from the same file.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  manifest_path = "tests/fixtures/bookings.service.json"
  settings = {
    environment    = "staging"
    account_id     = "111111111111"
    event_bus_name = "tessera-staging"
    variables      = { public_url = "https://api.staging.tessera.example" }
  }
}

run "builds_the_table_from_its_declaration" {
  command = plan

  variables {
    declaration = jsondecode(file("tests/fixtures/full-table.json"))
  }

  assert {
    condition     = aws_dynamodb_table.this[0].name == "tessera-staging-bookings"
    error_message = "The table is named tessera-<environment>-<declared name>."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].hash_key == var.declaration.partitionKey && aws_dynamodb_table.this[0].range_key == var.declaration.sortKey
    error_message = "The table's keys are the declared partition and sort keys."
  }

  assert {
    condition = toset([for a in aws_dynamodb_table.this[0].attribute : "${a.name}:${a.type}"]) == toset([
      for name, type in var.declaration.attributes : "${name}:${type}"
    ])
    error_message = "The table defines exactly the declared attributes, with their types."
  }

  assert {
    condition = toset([
      for index in aws_dynamodb_table.this[0].global_secondary_index : jsonencode([
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
    condition     = aws_dynamodb_table.this[0].ttl[0].attribute_name == var.declaration.timeToLiveAttribute && aws_dynamodb_table.this[0].ttl[0].enabled
    error_message = "Items expire through the declared TTL attribute."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].stream_enabled && aws_dynamodb_table.this[0].stream_view_type == var.declaration.streamViewType
    error_message = "The stream is on, with the declared view type."
  }

  assert {
    condition     = output.dynamodb_table_stream_view_type == var.declaration.streamViewType && output.dynamodb_table_ttl_attribute_name == var.declaration.timeToLiveAttribute
    error_message = "The stream and TTL outputs show the table's stream view type and TTL attribute."
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
    manifest_path = "tests/fixtures/minimal.service.json"
    settings      = { environment = "staging", account_id = "111111111111" }
  }

  assert {
    condition     = aws_dynamodb_table.this[0].hash_key == "pk" && aws_dynamodb_table.this[0].range_key == null
    error_message = "A declaration without a sort key makes a table without one."
  }

  assert {
    condition     = length(aws_dynamodb_table.this[0].global_secondary_index) == 0 && length(aws_dynamodb_table.this[0].ttl) == 0
    error_message = "No indexes and no TTL unless declared."
  }

  assert {
    condition     = !aws_dynamodb_table.this[0].stream_enabled && output.dynamodb_table_stream_arn == null && output.service.table_stream == null
    error_message = "No stream unless declared, so nothing for the outbox publisher."
  }

  assert {
    condition     = output.dynamodb_table_stream_view_type == null && output.dynamodb_table_ttl_attribute_name == null
    error_message = "Without a stream or TTL their outputs are null."
  }

  assert {
    condition     = !strcontains(output.iam_role_policy_documents["minimal"], "/index/")
    error_message = "Without indexes the role gets no index permissions."
  }

  assert {
    condition     = length(aws_ssm_parameter.this) == 0 && length(aws_cloudwatch_event_rule.this) == 0 && length(aws_sqs_queue.dead_letter) == 0 && length(aws_scheduler_schedule_group.this) == 0
    error_message = "A manifest with no secrets, subscriptions or schedules gets no parameters, rules, queues or schedule group."
  }

  assert {
    condition     = length(aws_lambda_function_event_invoke_config.this) == 0 && output.lambda_function_event_invoke_configs == {} && output.invocations_sqs_queue_dead_letter_arn == null
    error_message = "Without function targets no function gets an asynchronous invocation configuration, and there is no invocations dead-letter queue."
  }

  assert {
    condition     = output.scheduler_schedule_group_name == null && output.scheduler_iam_role_arn == null && output.scheduler_sqs_queue_dead_letter_arn == null && output.scheduler_sqs_queue_dead_letter_name == null && output.scheduler_lambda_alias_arn == null && output.service.scheduler == null
    error_message = "Without a schedule target the schedule outputs are null."
  }

  assert {
    condition     = length(aws_iam_role.scheduler) == 0 && length(aws_iam_role_policy.scheduler) == 0 && !strcontains(output.iam_role_policy_documents["minimal"], "scheduler")
    error_message = "Without a schedule target there is no scheduler role, and no function may manage schedules or pass a role."
  }
}

run "protects_and_encrypts_the_table" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST"
    error_message = "Tables are on-demand."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery is on."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].enabled
    error_message = "Server-side encryption with KMS is on."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].deletion_protection_enabled
    error_message = "Deletion protection is on unless turned off."
  }

  assert {
    condition     = output.dynamodb_table_billing_mode == "PAY_PER_REQUEST" && output.dynamodb_table_point_in_time_recovery_enabled && output.dynamodb_table_server_side_encryption_enabled && output.dynamodb_table_deletion_protection_enabled
    error_message = "The outputs report what the table is built with."
  }
}

run "can_turn_deletion_protection_off_and_use_customer_keys" {
  command = plan

  variables {
    settings = {
      environment                = "staging"
      account_id                 = "111111111111"
      event_bus_name             = "tessera-staging"
      variables                  = { public_url = "https://api.staging.tessera.example" }
      enable_deletion_protection = false
      table_kms_key_arn          = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
      parameter_kms_key_arn      = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
    }
  }

  assert {
    condition     = !aws_dynamodb_table.this[0].deletion_protection_enabled && output.dynamodb_table_deletion_protection_enabled == false
    error_message = "Deletion protection follows settings.enable_deletion_protection."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].kms_key_arn == var.settings.table_kms_key_arn
    error_message = "The table is encrypted with the key given."
  }

  assert {
    condition = contains(flatten([
      for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Resource if statement.Sid == "UseTableKey"
    ]), var.settings.table_kms_key_arn)
    error_message = "A function that uses the table may use the table's key."
  }

  assert {
    condition     = aws_ssm_parameter.this["cursor-secret"].key_id == var.settings.parameter_kms_key_arn && aws_ssm_parameter.this["signing-keys"].key_id == var.settings.parameter_kms_key_arn
    error_message = "SecureString parameters are encrypted with the parameter key."
  }

  assert {
    condition = flatten([
      for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Resource if statement.Sid == "DecryptOwnParameters"
    ]) == [var.settings.parameter_kms_key_arn]
    error_message = "A function that reads a SecureString may decrypt it with the parameter key."
  }

  assert {
    condition = !anytrue([
      for statement in jsondecode(output.iam_role_policy_documents["bookings-keys"]).Statement : contains(statement.Action, "kms:Decrypt")
    ])
    error_message = "A function that reads a String parameter only gets no key."
  }
}

run "makes_one_function_per_manifest_function" {
  command = plan

  assert {
    condition = output.lambda_function_names == {
      bookings       = "tessera-staging-bookings"
      bookings-keys  = "tessera-staging-bookings-keys"
      bookings-timer = "tessera-staging-bookings-timer"
    }
    error_message = "Each manifest function is tessera-<environment>-<short name>."
  }

  assert {
    condition     = module.function["bookings"].lambda_function_name == "tessera-staging-bookings" && module.function["bookings-timer"].lambda_alias_arn == "arn:aws:lambda:eu-west-1:111111111111:function:tessera-staging-bookings-timer:live"
    error_message = "Every function has its live alias."
  }

  assert {
    condition     = output.service.lambda_function_names == ["tessera-staging-bookings", "tessera-staging-bookings-keys", "tessera-staging-bookings-timer"]
    error_message = "The service output lists every function, for the deploy script."
  }

  assert {
    condition     = output.service.http_integration.function_name == "tessera-staging-bookings" && endswith(output.service.http_integration.invoke_arn, ":function:tessera-staging-bookings:live/invocations")
    error_message = "The function with http = operations serves the contract's operations, through its live alias."
  }

  assert {
    condition     = output.service.http_authorizer == null
    error_message = "A service with no authorizer function offers none."
  }

  assert {
    condition     = output.service.dynamodb_table_name == "tessera-staging-bookings" && output.service.table_stream.table_name == "tessera-staging-bookings"
    error_message = "The service output names the table and its stream, for the outbox publisher."
  }
}

run "sizes_each_function_from_its_manifest_unless_the_settings_say_otherwise" {
  command = plan

  variables {
    settings = {
      environment    = "staging"
      account_id     = "111111111111"
      event_bus_name = "tessera-staging"
      variables      = { public_url = "https://api.staging.tessera.example" }
      functions = {
        bookings       = { memory_size = 1024, reserved_concurrent_executions = 7 }
        bookings-timer = { timeout = 40 }
      }
    }
  }

  assert {
    condition     = module.function["bookings"].lambda_function_name == "tessera-staging-bookings"
    error_message = "Overrides keep the function."
  }

  assert {
    condition     = output.lambda_function_sizes["bookings"] == { memory_size = 1024, timeout = 10, reserved_concurrent_executions = 7 }
    error_message = "settings.functions overrides memory and reserved concurrency; the manifest's timeout stays."
  }

  assert {
    condition     = output.lambda_function_sizes["bookings-timer"].memory_size == 256 && output.lambda_function_sizes["bookings-timer"].timeout == 40 && output.lambda_function_sizes["bookings-timer"].reserved_concurrent_executions == null
    error_message = "settings.functions overrides the timeout; the manifest's memory stays, concurrency is unreserved."
  }

  assert {
    condition     = output.lambda_function_sizes["bookings-keys"].memory_size == 128 && output.lambda_function_sizes["bookings-keys"].timeout == 3 && output.lambda_function_sizes["bookings-keys"].reserved_concurrent_executions == null
    error_message = "A function without overrides runs as its manifest says."
  }

  assert {
    condition     = aws_sqs_queue.subscription["expiries"].visibility_timeout_seconds == 240
    error_message = "A queue without a visibility timeout hides a message 6 times its function's timeout in this environment."
  }
}

run "hands_each_function_only_the_environment_its_manifest_names" {
  command = plan

  assert {
    condition = output.lambda_function_environment_variables["bookings"] == tomap({
      TABLE_NAME           = "tessera-staging-bookings"
      CURSOR_SECRET        = "ssm:/tessera/staging/bookings/cursor-secret"
      HOLD_SECONDS         = "900"
      PUBLIC_URL           = "https://api.staging.tessera.example"
      EVENT_BUS_NAME       = "tessera-staging"
      CURRENCY             = "EUR"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "staging"
    })
    error_message = "Each source resolves: the table's name, a secret's reference, a setting (given, or its default), the bus, a literal; and the log level and the environment's name."
  }

  assert {
    condition = output.lambda_function_environment_variables["bookings-keys"] == tomap({
      JWT_KEYS             = "ssm:/tessera/staging/bookings/verifying-keys"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "staging"
    })
    error_message = "A function gets the variables of its own manifest entry, nothing of the others'."
  }

  assert {
    condition = output.lambda_function_environment_variables["bookings-timer"] == tomap({
      TABLE_NAME           = "tessera-staging-bookings"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "staging"
    })
    error_message = "The schedule target gets its table and its log level."
  }

  assert {
    condition     = output.service.lambda_function_environment_variables == { for name, variables in output.lambda_function_environment_variables : "tessera-staging-${name}" => variables }
    error_message = "The service output hands the environment every function's variables, by function name (the policy test reads ENVIRONMENT there when a function's own plan cannot show it)."
  }
}

run "takes_a_setting_from_the_environment_over_its_default" {
  command = plan

  variables {
    settings = {
      environment    = "staging"
      account_id     = "111111111111"
      event_bus_name = "tessera-staging"
      log_level      = "DEBUG"
      variables      = { public_url = "https://api.staging.tessera.example", payment_hold_seconds = "120" }
    }
  }

  assert {
    condition     = output.lambda_function_environment_variables["bookings"]["HOLD_SECONDS"] == "120" && output.lambda_function_environment_variables["bookings"]["POWERTOOLS_LOG_LEVEL"] == "DEBUG"
    error_message = "settings.variables wins over the manifest's default; settings.log_level reaches every function."
  }
}

run "refuses_a_missing_setting_that_has_no_default" {
  command = plan

  variables {
    settings = { environment = "staging", account_id = "111111111111", event_bus_name = "tessera-staging" }
  }

  expect_failures = [var.settings]
}

run "refuses_a_setting_the_manifest_does_not_declare" {
  command = plan

  variables {
    settings = {
      environment    = "staging"
      account_id     = "111111111111"
      event_bus_name = "tessera-staging"
      variables      = { public_url = "https://x.example", publc_url = "https://x.example" }
    }
  }

  expect_failures = [var.settings]
}

run "refuses_sizes_for_a_function_the_manifest_does_not_declare" {
  command = plan

  variables {
    settings = {
      environment    = "staging"
      account_id     = "111111111111"
      event_bus_name = "tessera-staging"
      variables      = { public_url = "https://x.example" }
      functions      = { booking = { memory_size = 1024 } }
    }
  }

  expect_failures = [var.settings]
}

run "creates_one_parameter_per_secret_with_a_placeholder_by_kind" {
  command = plan

  assert {
    condition     = toset(keys(aws_ssm_parameter.this)) == toset(["cursor-secret", "signing-keys", "verifying-keys"])
    error_message = "Every declared secret is a parameter."
  }

  assert {
    condition     = alltrue([for id, parameter in aws_ssm_parameter.this : parameter.name == "/tessera/staging/bookings/${id}" && parameter.tier == "Standard"])
    error_message = "Parameters are /tessera/<environment>/<service>/<secret id>, standard tier."
  }

  assert {
    condition     = aws_ssm_parameter.this["cursor-secret"].type == "SecureString" && nonsensitive(aws_ssm_parameter.this["cursor-secret"].value) == "unset"
    error_message = "A random secret is a SecureString holding the placeholder unset."
  }

  assert {
    condition     = aws_ssm_parameter.this["signing-keys"].type == "SecureString" && jsondecode(nonsensitive(aws_ssm_parameter.this["signing-keys"].value)) == { keys = [] }
    error_message = "A private JWK set is a SecureString holding an empty set."
  }

  assert {
    condition     = aws_ssm_parameter.this["verifying-keys"].type == "String" && jsondecode(nonsensitive(aws_ssm_parameter.this["verifying-keys"].value)) == { keys = [] }
    error_message = "A public JWK set is a String holding an empty set."
  }

  assert {
    condition     = output.service.ssm_parameter_names["verifying-keys"] == "/tessera/staging/bookings/verifying-keys"
    error_message = "The service output names the parameters, for the rotation script."
  }
}

run "grants_each_function_only_what_its_manifest_entry_uses" {
  command = plan

  assert {
    condition = toset(flatten([
      for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Resource if contains(["UseOwnTable", "QueryOwnIndexes"], statement.Sid)
      ])) == toset([
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-staging-bookings",
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-staging-bookings/index/gsi1",
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-staging-bookings/index/gsi2",
    ])
    error_message = "A function that names the table may use it and its indexes, nothing else of DynamoDB."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Action if startswith(statement.Action[0], "dynamodb:")
      ])) == toset([
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
    ])
    error_message = "It may read and write items and query, but never scan."
  }

  assert {
    condition = flatten([
      for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Resource if statement.Sid == "ReadOwnParameters"
    ]) == ["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/staging/bookings/cursor-secret"]
    error_message = "A function reads only the parameters its environment names."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(output.iam_role_policy_documents["bookings-keys"]).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "ssm:GetParameter",
    ])
    error_message = "A function that names no table gets no table access: logging, tracing and its parameter only."
  }

  assert {
    condition = flatten([
      for statement in jsondecode(output.iam_role_policy_documents["bookings-keys"]).Statement : statement.Resource if statement.Sid == "ReadOwnParameters"
    ]) == ["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/staging/bookings/verifying-keys"]
    error_message = "It reads the public keys only."
  }

  assert {
    condition = alltrue(flatten([
      for document in values(output.iam_role_policy_documents) : [
        for statement in jsondecode(document).Statement : [for action in statement.Action : !strcontains(action, "*")]
      ]
    ]))
    error_message = "No statement of any role grants a wildcard action."
  }
}

run "adds_the_statements_a_service_module_grants" {
  command = plan

  variables {
    policy_statements = {
      bookings-keys = [
        {
          sid       = "ReadPriceList"
          actions   = ["ssm:GetParameter"]
          resources = ["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/staging/bookings/price-list"]
        },
      ]
    }
  }

  assert {
    condition     = contains([for statement in jsondecode(output.iam_role_policy_documents["bookings-keys"]).Statement : statement.Sid], "ReadPriceList")
    error_message = "policy_statements reach the function they name."
  }

  assert {
    condition     = !contains([for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Sid], "ReadPriceList")
    error_message = "and no other."
  }
}

run "turns_a_function_subscription_into_a_rule_that_invokes_the_alias" {
  command = plan

  variables {
    settings = {
      environment     = "staging"
      account_id      = "111111111111"
      event_bus_name  = "tessera-staging"
      variables       = { public_url = "https://api.staging.tessera.example" }
      enable_alarms   = true
      alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:tessera-staging-alarms"
    }
    declared = jsondecode(file("tests/fixtures/bookings.service.json")).subscriptions
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.this)) == toset(["payments", "rooms", "expiries"])
    error_message = "One rule per subscription, whatever its target."
  }

  assert {
    condition     = alltrue([for s in var.declared : jsondecode(aws_cloudwatch_event_rule.this[s.name].event_pattern) == s.pattern])
    error_message = "Each rule's pattern is the declared pattern."
  }

  assert {
    condition     = output.cloudwatch_event_rule_event_patterns == { for s in var.declared : s.name => s.pattern }
    error_message = "The patterns output shows each rule's pattern, by subscription."
  }

  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.this : rule.event_bus_name == "tessera-staging" && startswith(rule.name, "tessera-staging-bookings-")])
    error_message = "Rules listen on the given bus and are named after the service."
  }

  assert {
    condition     = aws_cloudwatch_event_target.this["payments"].arn == module.function["bookings"].lambda_alias_arn && aws_cloudwatch_event_target.this["payments"].target_id == "bookings-function"
    error_message = "A function target invokes the function's live alias."
  }

  assert {
    condition     = alltrue([for target in aws_cloudwatch_event_target.this : target.retry_policy[0].maximum_retry_attempts == 8 && target.dead_letter_config[0].arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-events-dlq"])
    error_message = "Every target is retried, then dead-lettered to the service's events dead-letter queue."
  }

  assert {
    condition     = aws_sqs_queue.dead_letter["events"].sqs_managed_sse_enabled && aws_sqs_queue.dead_letter["events"].message_retention_seconds == 1209600
    error_message = "The events dead-letter queue is encrypted and keeps messages 14 days."
  }

  assert {
    condition     = toset(jsondecode(aws_sqs_queue_policy.dead_letter[0].policy).Statement[0].Condition.ArnEquals["aws:SourceArn"]) == toset([for name in ["payments", "rooms", "expiries"] : "arn:aws:events:eu-west-1:111111111111:rule/tessera-staging/tessera-staging-bookings-${name}"])
    error_message = "Only the service's own rules may send to its events dead-letter queue."
  }

  assert {
    condition     = keys(aws_lambda_permission.events) == ["payments"] && aws_lambda_permission.events["payments"].qualifier == "live" && aws_lambda_permission.events["payments"].source_arn == "arn:aws:events:eu-west-1:111111111111:rule/tessera-staging/tessera-staging-bookings-payments"
    error_message = "EventBridge may invoke the live alias of a function target, from its rule only; queue targets need no permission."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letters["events"].dimensions.QueueName == "tessera-staging-bookings-events-dlq"
    error_message = "Dead letters raise an alarm when alarms are on."
  }
}

run "sends_what_a_function_target_fails_to_the_invocations_dead_letter_queue" {
  command = plan

  variables {
    settings = {
      environment     = "staging"
      account_id      = "111111111111"
      event_bus_name  = "tessera-staging"
      variables       = { public_url = "https://api.staging.tessera.example" }
      enable_alarms   = true
      alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:tessera-staging-alarms"
    }
    invocations_dlq_arn = "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-invocations-dlq"
  }

  assert {
    condition     = keys(aws_lambda_function_event_invoke_config.this) == ["bookings", "bookings-timer"] && aws_lambda_function_event_invoke_config.this["bookings-timer"].qualifier == "live" && aws_lambda_function_event_invoke_config.this["bookings-timer"].destination_config[0].on_failure[0].destination == var.invocations_dlq_arn
    error_message = "Only a function a rule or a schedule invokes directly gets an asynchronous invocation configuration: bookings (through payments) and bookings-timer (the schedule target, invoked asynchronously by the scheduler; its queue's mapping alone would not), not bookings-keys, which nothing invokes."
  }

  assert {
    condition = (
      aws_lambda_function_event_invoke_config.this["bookings"].function_name == "tessera-staging-bookings"
      && aws_lambda_function_event_invoke_config.this["bookings"].qualifier == "live"
    )
    error_message = "The configuration is the live alias's, the qualifier the rule invokes."
  }

  assert {
    condition = (
      aws_lambda_function_event_invoke_config.this["bookings"].maximum_retry_attempts == 2
      && aws_lambda_function_event_invoke_config.this["bookings"].maximum_event_age_in_seconds == 3600
    )
    error_message = "Lambda retries a failed invocation twice, and keeps an event no longer than EventBridge retries a delivery (event_maximum_age_in_seconds, 3600 s by default)."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this["bookings"].destination_config[0].on_failure[0].destination == var.invocations_dlq_arn
    error_message = "A failed invocation goes to the service's invocations dead-letter queue."
  }

  assert {
    condition     = length(aws_lambda_function_event_invoke_config.this["bookings"].destination_config[0].on_success) == 0
    error_message = "Successful invocations go nowhere."
  }

  assert {
    condition = (
      aws_sqs_queue.dead_letter["invocations"].name == "tessera-staging-bookings-invocations-dlq"
      && aws_sqs_queue.dead_letter["invocations"].sqs_managed_sse_enabled
      && aws_sqs_queue.dead_letter["invocations"].message_retention_seconds == 1209600
    )
    error_message = "The invocations dead-letter queue is tessera-<env>-<service>-invocations-dlq, encrypted, keeping messages 14 days."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dead_letters["invocations"].alarm_name == "tessera-staging-bookings-invocations-dlq-not-empty"
      && aws_cloudwatch_metric_alarm.dead_letters["invocations"].dimensions.QueueName == "tessera-staging-bookings-invocations-dlq"
      && aws_cloudwatch_metric_alarm.dead_letters["invocations"].metric_name == "ApproximateNumberOfMessagesVisible"
      && aws_cloudwatch_metric_alarm.dead_letters["invocations"].threshold == 0
      && aws_cloudwatch_metric_alarm.dead_letters["invocations"].comparison_operator == "GreaterThanThreshold"
      && aws_cloudwatch_metric_alarm.dead_letters["invocations"].alarm_actions == toset([var.settings.alarm_topic_arn])
      && contains(output.cloudwatch_metric_alarm_names, "tessera-staging-bookings-invocations-dlq-not-empty")
    )
    error_message = "The invocations dead-letter queue alarms on its first message, to the alarm topic."
  }

  assert {
    condition = [
      for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement if statement.Sid == "SendFailedInvocations"
      ] == [{
        Sid      = "SendFailedInvocations"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [var.invocations_dlq_arn]
    }]
    error_message = "The function target's role (which Lambda sends the record with) may send to the invocations dead-letter queue, and to no other queue."
  }

  assert {
    condition = alltrue(flatten([
      for name, document in output.iam_role_policy_documents : [
        for statement in jsondecode(document).Statement : contains(["bookings", "bookings-timer"], name) && statement.Resource == [var.invocations_dlq_arn] if contains(statement.Action, "sqs:SendMessage")
      ]
    ]))
    error_message = "No other role, and no other statement, may send to a queue: bookings and bookings-timer (the schedule target) to the invocations dead-letter queue only, bookings-keys nowhere."
  }

  assert {
    condition     = length(jsondecode(aws_sqs_queue_policy.dead_letter[0].policy).Statement) == 1 && jsondecode(aws_sqs_queue_policy.dead_letter[0].policy).Statement[0].Principal == { Service = "events.amazonaws.com" }
    error_message = "The events dead-letter queue still admits the service's rules only: failed invocations go to a queue of their own."
  }

  assert {
    condition = output.lambda_function_event_invoke_configs == {
      bookings         = { qualifier = "live", maximum_retry_attempts = 2, maximum_event_age_in_seconds = 3600, on_failure_destination = var.invocations_dlq_arn }
      "bookings-timer" = { qualifier = "live", maximum_retry_attempts = 2, maximum_event_age_in_seconds = 3600, on_failure_destination = var.invocations_dlq_arn }
    } && output.invocations_sqs_queue_dead_letter_arn == var.invocations_dlq_arn
    error_message = "The outputs show each function target's configuration and the invocations dead-letter queue, for the modules that call this one."
  }
}

run "keeps_a_failed_invocation_no_longer_than_eventbridge_retries_it_and_lambda_allows" {
  command = plan

  variables {
    event_maximum_age_in_seconds = 86400
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this["bookings"].maximum_event_age_in_seconds == 21600 && aws_cloudwatch_event_target.this["payments"].retry_policy[0].maximum_event_age_in_seconds == 86400
    error_message = "EventBridge may retry a day; Lambda keeps an event 6 hours at most."
  }
}

run "follows_a_shorter_event_age" {
  command = plan

  variables {
    event_maximum_age_in_seconds = 600
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this["bookings"].maximum_event_age_in_seconds == 600
    error_message = "A shorter maximum event age holds for Lambda's retries too."
  }
}

run "gives_a_service_with_queue_targets_only_no_invocation_configuration" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/slow-queue.service.json"
    settings = {
      environment    = "staging"
      account_id     = "111111111111"
      event_bus_name = "tessera-staging"
      functions      = { slow = { timeout = 5 } }
    }
  }

  assert {
    condition     = length(aws_lambda_function_event_invoke_config.this) == 0 && output.invocations_sqs_queue_dead_letter_arn == null
    error_message = "A queue target's function is invoked by its mapping, synchronously, and its queue redrives what it fails: no asynchronous invocation configuration, no invocations dead-letter queue."
  }

  assert {
    condition     = toset(keys(aws_sqs_queue.dead_letter)) == toset(["events", "queue/work"])
    error_message = "The service has the events dead-letter queue and its queue's, nothing more."
  }

  assert {
    condition     = !contains(flatten([for statement in jsondecode(output.iam_role_policy_documents["slow"]).Statement : statement.Action]), "sqs:SendMessage")
    error_message = "Its function may not send to any queue."
  }
}

run "delivers_a_queue_subscription_through_an_encrypted_queue_with_its_dead_letter_queue" {
  command = plan

  variables {
    settings = {
      environment     = "staging"
      account_id      = "111111111111"
      event_bus_name  = "tessera-staging"
      variables       = { public_url = "https://api.staging.tessera.example" }
      enable_alarms   = true
      alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:tessera-staging-alarms"
    }
  }

  assert {
    condition     = toset(keys(aws_sqs_queue.subscription)) == toset(["rooms", "expiries"]) && aws_sqs_queue.subscription["rooms"].name == "tessera-staging-bookings-rooms" && aws_sqs_queue.dead_letter["queue/rooms"].name == "tessera-staging-bookings-rooms-dlq"
    error_message = "Each queue target has its queue and dead-letter queue, named tessera-<env>-<service>-<subscription>[-dlq]."
  }

  assert {
    condition     = output.service.sqs_queue_names == tolist(["tessera-staging-bookings-expiries", "tessera-staging-bookings-rooms"]) && output.service.sqs_queue_dead_letter_names == sort([for queue in aws_sqs_queue.dead_letter : queue.name]) && contains(output.service.sqs_queue_dead_letter_names, "tessera-staging-bookings-rooms-dlq")
    error_message = "The service output names every queue and every dead-letter queue, for the dashboard."
  }

  assert {
    condition     = alltrue([for queue in concat(values(aws_sqs_queue.subscription), [for key, queue in aws_sqs_queue.dead_letter : queue if startswith(key, "queue/")]) : queue.sqs_managed_sse_enabled])
    error_message = "Every queue is encrypted."
  }

  assert {
    condition     = alltrue([for name, queue in aws_sqs_queue.subscription : aws_sqs_queue.dead_letter["queue/${name}"].message_retention_seconds > queue.message_retention_seconds])
    error_message = "A dead-letter queue keeps messages longer than its source queue."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.subscription["rooms"].redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms-dlq"
      maxReceiveCount     = 5
    } && jsondecode(aws_sqs_queue.subscription["expiries"].redrive_policy).maxReceiveCount == 3
    error_message = "A queue redrives to its dead-letter queue after maxReceiveCount receives (3 by default: the first attempt and 2 retries)."
  }

  assert {
    condition     = aws_sqs_queue.subscription["rooms"].visibility_timeout_seconds == 120 && aws_sqs_queue.subscription["expiries"].visibility_timeout_seconds == 120
    error_message = "The visibility timeout is the declared one, or 6 times the function's timeout (bookings-timer: 20 s)."
  }

  assert {
    condition = jsondecode(aws_sqs_queue_policy.subscription["rooms"].policy).Statement == [{
      Sid       = "EventBridgeDeliversEvents"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/tessera-staging/tessera-staging-bookings-rooms" } }
    }]
    error_message = "Only the subscription's rule may send to its queue."
  }

  assert {
    condition     = aws_cloudwatch_event_target.this["rooms"].arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms" && aws_cloudwatch_event_target.this["rooms"].target_id == "bookings-queue"
    error_message = "The rule of a queue target sends to the queue."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.subscription["rooms"].event_source_arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms"
      && aws_lambda_event_source_mapping.subscription["rooms"].function_name == module.function["bookings"].lambda_alias_arn
      && aws_lambda_event_source_mapping.subscription["expiries"].function_name == module.function["bookings-timer"].lambda_alias_arn
    )
    error_message = "The queue feeds the target function's live alias."
  }

  assert {
    condition     = alltrue([for mapping in aws_lambda_event_source_mapping.subscription : mapping.function_response_types == toset(["ReportBatchItemFailures"])])
    error_message = "The function reports the messages it failed, so the others are not received again."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.subscription["rooms"].batch_size == 25
      && aws_lambda_event_source_mapping.subscription["rooms"].maximum_batching_window_in_seconds == 2
      && aws_lambda_event_source_mapping.subscription["rooms"].scaling_config[0].maximum_concurrency == 4
      && aws_lambda_event_source_mapping.subscription["expiries"].batch_size == 10
      && aws_lambda_event_source_mapping.subscription["expiries"].maximum_batching_window_in_seconds == 0
      && aws_lambda_event_source_mapping.subscription["expiries"].scaling_config[0].maximum_concurrency == 2
    )
    error_message = "Batch size, batching window and maximum concurrency are the declared ones, or the manifest's defaults (10, 0, 2)."
  }

  assert {
    condition = (
      flatten([for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Resource if statement.Sid == "ConsumeOwnQueues"]) == ["arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms"]
      && flatten([for statement in jsondecode(output.iam_role_policy_documents["bookings-timer"]).Statement : statement.Resource if statement.Sid == "ConsumeOwnQueues"]) == ["arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-expiries"]
      && !strcontains(output.iam_role_policy_documents["bookings-keys"], "sqs:")
    )
    error_message = "Each function may consume its own queues only."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(output.iam_role_policy_documents["bookings"]).Statement : statement.Action if statement.Sid == "ConsumeOwnQueues"
    ])) == toset(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"])
    error_message = "Consuming is what the event source mapping does with the function's role: receiving, deleting and reading the queue's attributes."
  }

  assert {
    condition = alltrue(flatten([
      for document in values(output.iam_role_policy_documents) : [
        for statement in jsondecode(document).Statement : [
          for resource in flatten([statement.Resource]) : startswith(resource, "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-") && !strcontains(resource, "*")
        ] if anytrue([for action in statement.Action : startswith(action, "sqs:")])
      ]
    ]))
    error_message = "No role may use a queue of another service, nor queues by a wildcard."
  }

  assert {
    condition = alltrue([
      for name in ["rooms", "expiries"] :
      aws_cloudwatch_metric_alarm.dead_letters["queue/${name}"].dimensions.QueueName == "tessera-staging-bookings-${name}-dlq" && aws_cloudwatch_metric_alarm.dead_letters["queue/${name}"].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.dead_letters["queue/${name}"].threshold == 0 && aws_cloudwatch_metric_alarm.dead_letters["queue/${name}"].comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.dead_letters["queue/${name}"].alarm_actions == toset([var.settings.alarm_topic_arn])
    ]) && length([for key, _ in aws_cloudwatch_metric_alarm.dead_letters : key if startswith(key, "queue/")]) == 2
    error_message = "Every queue target's dead-letter queue alarms as soon as it holds a message."
  }

  assert {
    condition = (
      toset(keys(aws_cloudwatch_metric_alarm.subscription)) == toset(["rooms", "expiries"])
      && alltrue([
        for name, alarm in aws_cloudwatch_metric_alarm.subscription :
        alarm.alarm_name == "tessera-staging-bookings-${name}-message-age" && alarm.namespace == "AWS/SQS" && alarm.metric_name == "ApproximateAgeOfOldestMessage" && alarm.dimensions.QueueName == "tessera-staging-bookings-${name}" && alarm.comparison_operator == "GreaterThanThreshold" && alarm.alarm_actions == toset([var.settings.alarm_topic_arn])
      ])
    )
    error_message = "Every queue target's queue alarms when its oldest message ages, to the alarm topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.subscription["rooms"].threshold == 720 && aws_cloudwatch_metric_alarm.subscription["expiries"].threshold == 480
    error_message = "A queue alarms on a message older than its receives and retries allow: (maxReceiveCount + 1) visibility timeouts (rooms: 6 x 120 s, expiries: 4 x 120 s)."
  }

  assert {
    condition = alltrue([
      for name in ["tessera-staging-bookings-rooms-message-age", "tessera-staging-bookings-expiries-message-age", "tessera-staging-bookings-rooms-dlq-not-empty"] :
      contains(output.cloudwatch_metric_alarm_names, name)
    ])
    error_message = "The alarm names output lists the queues' alarms and the dead-letter queues'."
  }

  assert {
    condition     = output.sqs_queue_arns["rooms"] == "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms" && output.sqs_queue_subscription_dead_letter_arns["rooms"] == "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms-dlq"
    error_message = "The queue outputs name each queue and its dead-letter queue."
  }

  assert {
    condition = (
      output.sqs_queue_visibility_timeout_seconds == { rooms = 120, expiries = 120 }
      && output.sqs_queue_redrive_policies["rooms"] == { deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-rooms-dlq", maxReceiveCount = 5 }
      && toset(keys(output.sqs_queue_sse_enabled)) == toset(["tessera-staging-bookings-rooms", "tessera-staging-bookings-expiries", "tessera-staging-bookings-rooms-dlq", "tessera-staging-bookings-expiries-dlq", "tessera-staging-bookings-events-dlq", "tessera-staging-bookings-invocations-dlq", "tessera-staging-bookings-schedules-dlq"])
      && alltrue(values(output.sqs_queue_sse_enabled))
    )
    error_message = "The queue outputs show each queue's visibility timeout, redrive policy and encryption, for the modules that call this one."
  }

  assert {
    condition = (
      output.lambda_event_source_mapping_event_source_arns == output.sqs_queue_arns
      && output.lambda_event_source_mapping_function_names == { rooms = module.function["bookings"].lambda_alias_arn, expiries = module.function["bookings-timer"].lambda_alias_arn }
      && output.lambda_event_source_mapping_function_response_types == { rooms = toset(["ReportBatchItemFailures"]), expiries = toset(["ReportBatchItemFailures"]) }
    )
    error_message = "The mapping outputs show what each mapping reads, the live alias it invokes and that it reports batch item failures."
  }

  assert {
    condition = (
      output.cloudwatch_event_target_arns == { payments = module.function["bookings"].lambda_alias_arn, rooms = output.sqs_queue_arns["rooms"], expiries = output.sqs_queue_arns["expiries"] }
      && alltrue([for arn in values(output.cloudwatch_event_target_dead_letter_arns) : arn == output.sqs_queue_dead_letter_arn])
      && alltrue([for policy in values(output.cloudwatch_event_target_retry_policies) : policy == { maximum_retry_attempts = 8, maximum_event_age_in_seconds = 3600 }])
    )
    error_message = "The target outputs show what each rule delivers to, its dead-letter queue and its retry policy."
  }
}

run "has_no_queue_alarms_when_alarms_are_off" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dead_letters) == 0 && length(aws_cloudwatch_metric_alarm.subscription) == 0
    error_message = "Alarms are opt-in."
  }
}

run "refuses_a_queue_that_hides_a_message_for_less_than_its_function_runs" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/slow-queue.service.json"
    settings      = { environment = "staging", account_id = "111111111111", event_bus_name = "tessera-staging" }
  }

  expect_failures = [aws_sqs_queue.subscription]
}

run "gives_a_schedule_target_its_group_role_and_dead_letter_queue" {
  command = plan

  variables {
    settings = {
      environment     = "staging"
      account_id      = "111111111111"
      event_bus_name  = "tessera-staging"
      variables       = { public_url = "https://api.staging.tessera.example" }
      enable_alarms   = true
      alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:tessera-staging-alarms"
    }
  }

  assert {
    condition     = aws_scheduler_schedule_group.this[0].name == "tessera-staging-bookings" && output.scheduler_schedule_group_name == "tessera-staging-bookings"
    error_message = "The service's schedules live in the group tessera-<env>-<service>."
  }

  assert {
    condition = jsondecode(aws_iam_role.scheduler[0].assume_role_policy).Statement == [{
      Sid       = "SchedulerAssumesRole"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "scheduler.amazonaws.com" }
      Condition = {
        StringEquals = { "aws:SourceAccount" = "111111111111" }
        ArnEquals    = { "aws:SourceArn" = "arn:aws:scheduler:eu-west-1:111111111111:schedule-group/tessera-staging-bookings" }
      }
    }]
    error_message = "Only the scheduler of this account, for this group, may assume the execution role."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement == [
      {
        Sid      = "InvokeScheduleTarget"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = ["arn:aws:lambda:eu-west-1:111111111111:function:tessera-staging-bookings-timer:live"]
      },
      {
        Sid      = "SendUndeliveredSchedules"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = ["arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-schedules-dlq"]
      },
    ]
    error_message = "The execution role invokes the schedule target's live alias only and sends to the schedules' dead-letter queue only."
  }

  assert {
    condition     = aws_sqs_queue.dead_letter["schedules"].name == "tessera-staging-bookings-schedules-dlq" && aws_sqs_queue.dead_letter["schedules"].sqs_managed_sse_enabled
    error_message = "Undelivered schedules wait in an encrypted dead-letter queue."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letters["schedules"].dimensions.QueueName == "tessera-staging-bookings-schedules-dlq" && aws_cloudwatch_metric_alarm.dead_letters["schedules"].alarm_actions == toset([var.settings.alarm_topic_arn])
    error_message = "The schedules' dead-letter queue alarms when alarms are on."
  }

  assert {
    condition = [
      for statement in jsondecode(output.iam_role_policy_documents["bookings-timer"]).Statement : statement if contains(["ManageOwnSchedules", "PassSchedulerRole"], statement.Sid)
      ] == [
      {
        Sid      = "ManageOwnSchedules"
        Effect   = "Allow"
        Action   = ["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"]
        Resource = ["arn:aws:scheduler:eu-west-1:111111111111:schedule/tessera-staging-bookings/*"]
      },
      {
        Sid       = "PassSchedulerRole"
        Effect    = "Allow"
        Action    = ["iam:PassRole"]
        Resource  = ["arn:aws:iam::111111111111:role/tessera-staging-bookings-scheduler"]
        Condition = { StringEquals = { "iam:PassedToService" = ["scheduler.amazonaws.com"] } }
      },
    ]
    error_message = "The schedule target manages schedules of its own group only, and passes the execution role to the scheduler only."
  }

  assert {
    condition     = !strcontains(output.iam_role_policy_documents["bookings"], "scheduler:") && !strcontains(output.iam_role_policy_documents["bookings-keys"], "iam:PassRole")
    error_message = "Functions that are no schedule target get no scheduler permissions."
  }

  assert {
    condition     = output.scheduler_iam_role_arn == "arn:aws:iam::111111111111:role/tessera-staging-bookings-scheduler" && output.scheduler_sqs_queue_dead_letter_arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-staging-bookings-schedules-dlq"
    error_message = "The outputs give what the function needs to create schedules: the group, the role and the dead-letter queue."
  }
}

run "hands_the_schedule_target_the_scheduler_parts" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/schedules.service.json"
    settings = {
      environment     = "prod"
      account_id      = "222222222222"
      enable_alarms   = true
      alarm_topic_arn = "arn:aws:sns:eu-west-1:222222222222:tessera-prod-alarms"
    }
  }

  assert {
    condition = output.lambda_function_environment_variables["reminders"] == tomap({
      TABLE_NAME               = "tessera-prod-minimal"
      SCHEDULE_GROUP           = "tessera-prod-reminders"
      SCHEDULER_ROLE_ARN       = "arn:aws:iam::222222222222:role/tessera-prod-reminders-scheduler"
      SCHEDULE_TARGET_ARN      = "arn:aws:lambda:eu-west-1:222222222222:function:tessera-prod-reminders:live"
      SCHEDULE_DEAD_LETTER_ARN = "arn:aws:sqs:eu-west-1:222222222222:tessera-prod-reminders-schedules-dlq"
      LEAD_SECONDS             = "600"
      POWERTOOLS_LOG_LEVEL     = "INFO"
      ENVIRONMENT              = "prod"
    })
    error_message = "The scheduler source resolves to the group's name, the execution role's ARN, the target's live alias ARN and the schedules' dead-letter queue's ARN, all known at plan."
  }

  assert {
    condition     = output.lambda_function_environment_variables["reminders"]["SCHEDULE_TARGET_ARN"] == output.lambda_alias_arns["reminders"] && output.scheduler_lambda_alias_arn == output.lambda_alias_arns["reminders"]
    error_message = "The target ARN built from names is the lambda-function module's live alias ARN."
  }

  assert {
    condition     = output.lambda_function_environment_variables["reminders"]["SCHEDULER_ROLE_ARN"] == output.scheduler_iam_role_arn && output.lambda_function_environment_variables["reminders"]["SCHEDULE_DEAD_LETTER_ARN"] == output.scheduler_sqs_queue_dead_letter_arn && output.lambda_function_environment_variables["reminders"]["SCHEDULE_GROUP"] == output.scheduler_schedule_group_name
    error_message = "The environment and the outputs name the same role, queue and group."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement == [
      {
        Sid      = "InvokeScheduleTarget"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = ["arn:aws:lambda:eu-west-1:222222222222:function:tessera-prod-reminders:live"]
      },
      {
        Sid      = "SendUndeliveredSchedules"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = ["arn:aws:sqs:eu-west-1:222222222222:tessera-prod-reminders-schedules-dlq"]
      },
    ]
    error_message = "The execution role invokes the target's live alias only, never the other function, and sends to the schedules' dead-letter queue only."
  }

  assert {
    condition     = jsondecode(aws_iam_role.scheduler[0].assume_role_policy).Statement[0].Condition == { StringEquals = { "aws:SourceAccount" = "222222222222" }, ArnEquals = { "aws:SourceArn" = "arn:aws:scheduler:eu-west-1:222222222222:schedule-group/tessera-prod-reminders" } }
    error_message = "Only this account's scheduler, running a schedule of this group, may assume the role."
  }

  assert {
    condition     = keys(aws_sqs_queue.dead_letter) == ["invocations", "schedules"] && aws_sqs_queue.dead_letter["schedules"].message_retention_seconds == 1209600 && aws_sqs_queue.dead_letter["schedules"].sqs_managed_sse_enabled
    error_message = "A service without subscriptions gets the schedules' dead-letter queue (encrypted, keeping a message 14 days) and the invocations one."
  }

  assert {
    condition = output.lambda_function_event_invoke_configs == {
      reminders = { qualifier = "live", maximum_retry_attempts = 2, maximum_event_age_in_seconds = 3600, on_failure_destination = "arn:aws:sqs:eu-west-1:222222222222:tessera-prod-reminders-invocations-dlq" }
    } && [for statement in jsondecode(output.iam_role_policy_documents["reminders"]).Statement : statement.Resource if statement.Sid == "SendFailedInvocations"] == [["arn:aws:sqs:eu-west-1:222222222222:tessera-prod-reminders-invocations-dlq"]]
    error_message = "The scheduler invokes its target asynchronously, so a scheduled event the target keeps failing goes to the invocations dead-letter queue (the schedules' one only holds what never reached Lambda)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letters["schedules"].alarm_name == "tessera-prod-reminders-schedules-dlq-not-empty" && aws_cloudwatch_metric_alarm.dead_letters["schedules"].threshold == 0 && aws_cloudwatch_metric_alarm.dead_letters["schedules"].comparison_operator == "GreaterThanThreshold"
    error_message = "The schedules' dead-letter queue alarms on its first message."
  }

  assert {
    condition = [
      for statement in jsondecode(output.iam_role_policy_documents["reminders"]).Statement : statement if contains(["ManageOwnSchedules", "PassSchedulerRole"], statement.Sid)
      ] == [
      {
        Sid      = "ManageOwnSchedules"
        Effect   = "Allow"
        Action   = ["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"]
        Resource = ["arn:aws:scheduler:eu-west-1:222222222222:schedule/tessera-prod-reminders/*"]
      },
      {
        Sid       = "PassSchedulerRole"
        Effect    = "Allow"
        Action    = ["iam:PassRole"]
        Resource  = ["arn:aws:iam::222222222222:role/tessera-prod-reminders-scheduler"]
        Condition = { StringEquals = { "iam:PassedToService" = ["scheduler.amazonaws.com"] } }
      },
    ]
    error_message = "The target may create, update, delete and read schedules of its own group only, and pass the execution role to the scheduler only."
  }

  assert {
    condition     = !strcontains(output.iam_role_policy_documents["reminders-reader"], "scheduler:") && !strcontains(output.iam_role_policy_documents["reminders-reader"], "iam:PassRole") && output.lambda_function_environment_variables["reminders-reader"] == tomap({ TABLE_NAME = "tessera-prod-minimal", POWERTOOLS_LOG_LEVEL = "INFO", ENVIRONMENT = "prod" })
    error_message = "The other function gets neither scheduler rights nor the scheduler's parts."
  }

  assert {
    condition     = output.service.scheduler == { schedule_group_name = "tessera-prod-reminders", sqs_queue_dead_letter_name = "tessera-prod-reminders-schedules-dlq" } && output.scheduler_sqs_queue_dead_letter_name == "tessera-prod-reminders-schedules-dlq"
    error_message = "The environment gets the group's and the dead-letter queue's names through the service output."
  }
}

run "refuses_two_schedule_targets" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/two-schedule-targets.refused.json"
    settings      = { environment = "dev", account_id = "111111111111" }
  }

  expect_failures = [var.manifest_path]
}

run "refuses_the_scheduler_source_without_a_schedule_target" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/scheduler-without-target.refused.json"
    settings      = { environment = "dev", account_id = "111111111111" }
  }

  expect_failures = [var.manifest_path]
}

run "refuses_a_source_it_does_not_know" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/unknown-source.refused.json"
    settings      = { environment = "dev", account_id = "111111111111" }
  }

  expect_failures = [var.manifest_path]
}

run "builds_a_service_without_a_table" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/tableless.service.json"
    settings      = { environment = "dev", account_id = "111111111111" }
  }

  assert {
    condition     = length(aws_dynamodb_table.this) == 0 && output.dynamodb_table_name == null && output.service.dynamodb_table_name == null && output.service.table_stream == null
    error_message = "A manifest without a table gets none."
  }

  assert {
    condition     = output.dynamodb_table_stream_view_type == null && output.dynamodb_table_ttl_attribute_name == null && output.cloudwatch_event_rule_event_patterns == {}
    error_message = "Without a table or subscriptions the table and rule outputs are null or empty."
  }

  assert {
    condition     = output.lambda_function_environment_variables["tableless"] == tomap({ GREETING = "hello", POWERTOOLS_LOG_LEVEL = "INFO", ENVIRONMENT = "dev" })
    error_message = "A literal value reaches the function as written."
  }

  assert {
    condition     = !strcontains(output.iam_role_policy_documents["tableless"], "dynamodb:")
    error_message = "No table, no DynamoDB permissions."
  }

  assert {
    condition     = output.service.http_integration == null
    error_message = "A service that serves no operations offers no integration."
  }
}

run "offers_its_websocket_routes_and_authorizer_and_posts_to_connections" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/websocket.service.json"
    settings = {
      environment = "prod"
      account_id  = "333333333333"
      websocket = {
        api_id               = "z9y8x7w6v5"
        stage_name           = "prod"
        connections_endpoint = "https://z9y8x7w6v5.execute-api.eu-west-1.amazonaws.com/prod"
      }
    }
  }

  assert {
    condition = output.service.websocket_integrations == {
      chat = {
        function_name = "tessera-prod-chat"
        invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:333333333333:function:tessera-prod-chat:live/invocations"
        routes        = ["$connect", "$disconnect", "say"]
      }
      chat-echo = {
        function_name = "tessera-prod-chat-echo"
        invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:333333333333:function:tessera-prod-chat-echo:live/invocations"
        routes        = ["echo"]
      }
    }
    error_message = "Each function that declares routes is an integration of its live alias with its own routes."
  }

  assert {
    condition = output.service.websocket_authorizer == {
      function_name = "tessera-prod-chat-authorizer"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:333333333333:function:tessera-prod-chat-authorizer:live/invocations"
    }
    error_message = "The function declared `webSocket: authorizer` is the $connect authorizer."
  }

  assert {
    condition     = output.lambda_function_environment_variables["chat"]["CONNECTIONS_ENDPOINT"] == "https://z9y8x7w6v5.execute-api.eu-west-1.amazonaws.com/prod"
    error_message = "The webSocket source is the API's @connections endpoint."
  }

  assert {
    condition = [
      for statement in jsondecode(output.iam_role_policy_documents["chat"]).Statement : statement.Resource if statement.Sid == "PostToOwnConnections"
    ] == [["arn:aws:execute-api:eu-west-1:333333333333:$${aws:PrincipalTag/tessera-websocket-api-id}/prod/POST/@connections/*"]]
    error_message = "A function that names the connections may POST to the connections of its API's stage, named through its role's tag."
  }

  assert {
    condition     = output.iam_role_tags["chat"] == tomap({ "tessera-websocket-api-id" = "z9y8x7w6v5" })
    error_message = "Its role carries the API's id."
  }

  assert {
    condition = alltrue([
      for name in ["chat-echo", "chat-authorizer"] :
      !strcontains(output.iam_role_policy_documents[name], "execute-api:") && length(coalesce(output.iam_role_tags[name], {})) == 0
    ])
    error_message = "A function that does not name the connections may not post to them, serving routes or not."
  }
}

run "refuses_a_connections_endpoint_without_the_websocket_api" {
  command = plan

  variables {
    manifest_path = "tests/fixtures/websocket.service.json"
    settings      = { environment = "dev", account_id = "111111111111" }
  }

  expect_failures = [var.settings]
}

run "offers_no_websocket_routes_for_a_service_that_declares_none" {
  command = plan

  assert {
    condition     = output.service.websocket_integrations == {} && output.service.websocket_authorizer == null
    error_message = "A manifest without webSocket fields offers the WebSocket API nothing."
  }
}

run "refuses_an_unknown_environment" {
  command = plan

  variables {
    settings = { environment = "qa", account_id = "111111111111", event_bus_name = "tessera-qa", variables = { public_url = "https://x.example" } }
  }

  expect_failures = [var.settings]
}

run "refuses_a_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    settings = { environment = "dev", account_id = "111111111111", event_bus_name = "tessera-dev", variables = { public_url = "https://x.example" }, log_retention_in_days = 10 }
  }

  expect_failures = [var.settings]
}

run "refuses_a_log_level_the_functions_do_not_parse" {
  command = plan

  variables {
    settings = { environment = "dev", account_id = "111111111111", event_bus_name = "tessera-dev", variables = { public_url = "https://x.example" }, log_level = "SILENT" }
  }

  expect_failures = [var.settings]
}

run "refuses_subscriptions_without_a_bus" {
  command = plan

  variables {
    settings = { environment = "dev", account_id = "111111111111", variables = { public_url = "https://x.example" } }
  }

  expect_failures = [var.settings]
}

run "refuses_alarms_without_a_topic" {
  command = plan

  variables {
    settings = { environment = "dev", account_id = "111111111111", event_bus_name = "tessera-dev", variables = { public_url = "https://x.example" }, enable_alarms = true }
  }

  expect_failures = [var.settings]
}
