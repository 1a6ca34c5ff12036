# Plans the notifications module against a mocked AWS provider: no credentials, no network. The
# WebSocket API's id and endpoint come from the platform in the environments; here they are given.

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
    websocket = {
      api_id               = "a1b2c3d4e5"
      stage_name           = "dev"
      connections_endpoint = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev"
    }
  }
}

run "builds_the_connections_and_inbox_table_from_services_notifications_table_json" {
  command = plan

  variables {
    declaration = jsondecode(file("../../../services/notifications/table.json"))
  }

  assert {
    condition     = module.service.dynamodb_table_name == "tessera-dev-notifications"
    error_message = "The notifications table is tessera-<environment>-notifications."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == "pk" && module.service.dynamodb_table_range_key == "sk"
    error_message = "The table is keyed by pk (partition) and sk (sort), as declared."
  }

  assert {
    condition     = module.service.dynamodb_table_index_keys == { "by-user" = { hash_key = "userKey", range_key = "sortKey" } }
    error_message = "Connections are found by user through the by-user index (userKey, sortKey), the table's only index."
  }

  assert {
    condition     = module.service.dynamodb_table_index_names == [for index in var.declaration.globalSecondaryIndexes : index.name]
    error_message = "The table has the declared indexes."
  }

  assert {
    condition     = module.service.dynamodb_table_ttl_attribute_name == "ttl" && module.service.dynamodb_table_ttl_attribute_name == var.declaration.timeToLiveAttribute
    error_message = "Connections, inbox entries and consumed events expire through the declared TTL attribute, ttl."
  }

  assert {
    condition     = module.service.dynamodb_table_stream_view_type == null && module.service.service.table_stream == null
    error_message = "The service publishes no events: no stream, and nothing for the outbox publisher."
  }
}

run "protects_and_encrypts_the_table_by_default" {
  command = plan

  assert {
    condition = (
      module.service.dynamodb_table_billing_mode == "PAY_PER_REQUEST"
      && module.service.dynamodb_table_point_in_time_recovery_enabled == true
      && module.service.dynamodb_table_server_side_encryption_enabled == true
      && module.service.dynamodb_table_deletion_protection_enabled == true
    )
    error_message = "The table is on-demand, with point-in-time recovery and encryption on, and deletion-protected unless told otherwise."
  }
}

run "serves_the_inbox_operation_and_its_websocket_routes" {
  command = plan

  assert {
    condition     = module.service.service.http_integration.function_name == "tessera-dev-notifications"
    error_message = "The function serves the contract's notifications operations (GET /v1/notifications)."
  }

  assert {
    condition = module.service.service.websocket_integrations == {
      notifications = {
        function_name = "tessera-dev-notifications"
        invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-notifications:live/invocations"
        routes        = ["$connect", "$disconnect", "$default", "ping", "resume", "subscribe", "unsubscribe"]
      }
    }
    error_message = "The WebSocket API routes the connection's life and the client's own actions to the function's live alias."
  }

  assert {
    condition     = module.service.service.websocket_authorizer == null && module.service.service.http_authorizer == null
    error_message = "The notifications service authorizes nothing: the users bundle guards $connect."
  }

  assert {
    condition     = module.service.lambda_function_sizes["notifications"] == { memory_size = 512, timeout = 10, reserved_concurrent_executions = null }
    error_message = "The function is sized as its manifest says: 512 MB, 10 s, unreserved."
  }
}

run "hands_the_function_its_table_and_the_connections_endpoint" {
  command = plan

  assert {
    condition = module.service.lambda_function_environment_variables["notifications"] == tomap({
      TABLE_NAME           = "tessera-dev-notifications"
      CONNECTIONS_ENDPOINT = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "dev"
    })
    error_message = "The function gets its table, the WebSocket API's @connections endpoint and its log level, nothing else."
  }

  assert {
    condition     = module.service.ssm_parameter_names == {}
    error_message = "The service has no secret."
  }
}

run "may_post_to_the_connections_of_its_api_and_stage_only" {
  command = plan

  assert {
    condition = [
      for statement in jsondecode(module.service.iam_role_policy_documents["notifications"]).Statement : statement
      if contains(statement.Action, "execute-api:ManageConnections")
      ] == [{
        Sid      = "PostToOwnConnections"
        Effect   = "Allow"
        Action   = ["execute-api:ManageConnections"]
        Resource = ["arn:aws:execute-api:eu-west-1:111111111111:$${aws:PrincipalTag/tessera-websocket-api-id}/dev/POST/@connections/*"]
    }]
    error_message = "The role may POST to the connections of its API's stage only: no GET, no DELETE, no other stage."
  }

  assert {
    condition     = module.service.iam_role_tags["notifications"]["tessera-websocket-api-id"] == "a1b2c3d4e5"
    error_message = "The role carries the API's id, which its policy names."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["notifications"]).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
      "execute-api:ManageConnections", "sqs:SendMessage",
    ])
    error_message = "The role holds logging, tracing, its table and index, posting to connections and sending its failed invocations: no Scan, no parameter, no wildcard."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["notifications"]).Statement : statement.Resource if contains(["UseOwnTable", "QueryOwnIndexes"], statement.Sid)
      ])) == toset([
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-notifications",
      "arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-notifications/index/by-user",
    ])
    error_message = "Its items and queries are on its own table and its by-user index only."
  }

  assert {
    condition = alltrue(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["notifications"]).Statement : [
        for action in statement.Action : !strcontains(action, "*")
      ]
    ]))
    error_message = "No statement grants an action containing *."
  }
}

run "pushes_the_events_of_bookings_payments_and_tickets_and_room_availability" {
  command = plan

  variables {
    subscriptions = jsondecode(file("../../../services/notifications/service.json")).subscriptions
  }

  assert {
    condition = module.service.cloudwatch_event_rule_names == {
      inbox               = "tessera-dev-notifications-inbox"
      "room-availability" = "tessera-dev-notifications-room-availability"
    }
    error_message = "One rule per declared subscription, named tessera-<env>-notifications-<subscription>."
  }

  assert {
    condition     = module.service.cloudwatch_event_rule_event_patterns == { for s in var.subscriptions : s.name => s.pattern }
    error_message = "Each rule matches its declared pattern."
  }

  assert {
    condition     = alltrue([for arn in values(module.service.cloudwatch_event_target_arns) : arn == "arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-notifications:live"])
    error_message = "Both rules invoke the function's live alias."
  }

  assert {
    condition = module.service.lambda_function_event_invoke_configs == {
      notifications = { qualifier = "live", maximum_retry_attempts = 2, maximum_event_age_in_seconds = 3600, on_failure_destination = "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-notifications-invocations-dlq" }
    }
    error_message = "An event the function fails is retried twice, then kept in tessera-<env>-notifications-invocations-dlq."
  }

  assert {
    condition     = alltrue([for arn in values(module.service.cloudwatch_event_target_dead_letter_arns) : arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-notifications-events-dlq"])
    error_message = "What EventBridge cannot deliver is kept in the events dead-letter queue."
  }
}

# What the settings may hold is the service module's to check (its `settings` input); its tests refuse
# a manifest naming the WebSocket API's connections without settings.websocket.
