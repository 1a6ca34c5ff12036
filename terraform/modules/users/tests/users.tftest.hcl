# Plans the users module against a mocked AWS provider: no credentials, no network. The module is
# built from services/users/service.json, so these tests read the manifest and the table
# declaration too and compare.

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
    environment = "dev"
    account_id  = "111111111111"
    variables   = { jwt_issuer = "https://api.dev.tessera.example" }
  }
}

run "builds_the_users_table_from_services_users_table_json" {
  command = plan

  variables {
    declaration = jsondecode(file("../../../services/users/table.json"))
  }

  assert {
    condition     = module.service.dynamodb_table_name == "tessera-dev-users"
    error_message = "The users table is tessera-<environment>-users."
  }

  assert {
    condition     = module.service.dynamodb_table_index_names == [for index in var.declaration.globalSecondaryIndexes : index.name]
    error_message = "The users table has the declared indexes."
  }

  assert {
    condition     = module.service.dynamodb_table_hash_key == var.declaration.partitionKey && module.service.dynamodb_table_range_key == var.declaration.sortKey
    error_message = "The users table's keys are the declared ones."
  }

  assert {
    condition = jsonencode(module.service.dynamodb_table_index_keys) == jsonencode({
      for index in var.declaration.globalSecondaryIndexes : index.name => { hash_key = index.partitionKey, range_key = try(index.sortKey, null) }
    })
    error_message = "Each index of the users table has the declared partition and sort keys."
  }
}

run "protects_and_encrypts_the_users_table_by_default" {
  command = plan

  assert {
    condition     = module.service.dynamodb_table_billing_mode == "PAY_PER_REQUEST" && module.service.dynamodb_table_point_in_time_recovery_enabled && module.service.dynamodb_table_server_side_encryption_enabled
    error_message = "The users table is on-demand, with point-in-time recovery and encryption."
  }

  assert {
    condition     = module.service.dynamodb_table_deletion_protection_enabled == true
    error_message = "The users table is deletion-protected unless told otherwise."
  }
}

run "passes_deletion_protection_off_through_to_the_table" {
  command = plan

  variables {
    settings = {
      environment                = "dev"
      account_id                 = "111111111111"
      variables                  = { jwt_issuer = "https://api.dev.tessera.example" }
      enable_deletion_protection = false
    }
  }

  assert {
    condition     = module.service.dynamodb_table_deletion_protection_enabled == false
    error_message = "settings.enable_deletion_protection = false reaches the users table."
  }
}

run "runs_the_two_functions_of_its_manifest_on_one_bundle" {
  command = plan

  assert {
    condition = module.service.lambda_function_names == {
      users            = "tessera-dev-users"
      users-authorizer = "tessera-dev-users-authorizer"
    }
    error_message = "The users service runs tessera-<env>-users and tessera-<env>-users-authorizer."
  }

  assert {
    condition     = output.service.http_integration.function_name == "tessera-dev-users" && output.service.http_authorizer.function_name == "tessera-dev-users-authorizer"
    error_message = "The users function serves the users operations; the authorizer guards the API."
  }

  assert {
    condition     = endswith(output.service.http_authorizer.invoke_arn, ":function:tessera-dev-users-authorizer:live/invocations")
    error_message = "API Gateway invokes the authorizer's live alias."
  }
}

run "sizes_the_users_function_from_the_settings_and_the_manifest" {
  command = plan

  variables {
    settings = {
      environment = "dev"
      account_id  = "111111111111"
      variables   = { jwt_issuer = "https://api.dev.tessera.example" }
      functions   = { users = { memory_size = 512, reserved_concurrent_executions = 20 } }
    }
  }

  assert {
    condition = module.service.lambda_function_sizes["users"] == {
      memory_size                    = 512
      timeout                        = jsondecode(file("../../../services/users/service.json")).functions.users.timeout
      reserved_concurrent_executions = 20
    }
    error_message = "settings.functions sizes the users function; the manifest's timeout stays."
  }

  assert {
    condition = module.service.lambda_function_sizes["users-authorizer"] == {
      memory_size                    = jsondecode(file("../../../services/users/service.json")).functions.users-authorizer.memorySize
      timeout                        = jsondecode(file("../../../services/users/service.json")).functions.users-authorizer.timeout
      reserved_concurrent_executions = null
    }
    error_message = "The authorizer runs as its manifest says."
  }
}

run "creates_the_key_material_parameters_with_placeholders" {
  command = plan

  assert {
    condition = module.service.ssm_parameter_names == {
      cursor-secret    = "/tessera/dev/users/cursor-secret"
      jwt-private-keys = "/tessera/dev/users/jwt-private-keys"
      jwt-public-keys  = "/tessera/dev/users/jwt-public-keys"
    }
    error_message = "The three secrets of the manifest live under /tessera/<environment>/users/."
  }
}

run "hands_each_function_the_settings_it_parses" {
  command = plan

  assert {
    condition = module.service.lambda_function_environment_variables["users"] == tomap({
      TABLE_NAME           = "tessera-dev-users"
      JWT_KEYS             = "ssm:/tessera/dev/users/jwt-private-keys"
      JWT_ISSUER           = "https://api.dev.tessera.example"
      JWT_AUDIENCE         = "tessera-api"
      CURSOR_SECRET        = "ssm:/tessera/dev/users/cursor-secret"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "dev"
    })
    error_message = "The users function gets its table, its private keys and cursor secret by reference, and the token settings (the audience's default)."
  }

  assert {
    condition = module.service.lambda_function_environment_variables["users-authorizer"] == tomap({
      JWT_KEYS             = "ssm:/tessera/dev/users/jwt-public-keys"
      JWT_ISSUER           = "https://api.dev.tessera.example"
      JWT_AUDIENCE         = "tessera-api"
      POWERTOOLS_LOG_LEVEL = "INFO"
      ENVIRONMENT          = "dev"
    })
    error_message = "The authorizer gets the public keys by reference and the token settings, nothing else."
  }
}

run "gives_the_service_exactly_the_permissions_it_uses" {
  command = plan

  assert {
    condition = toset(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["users"]).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
      "ssm:GetParameter",
    ])
    error_message = "The users role holds logging, tracing, item reads and writes, queries and reading its parameters: no Scan, no wildcard."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["users"]).Statement : statement.Resource if statement.Sid == "ReadOwnParameters"
      ])) == toset([
      "arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/users/jwt-private-keys",
      "arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/users/cursor-secret",
    ])
    error_message = "The users function reads its own private keys and cursor secret."
  }
}

run "keeps_the_authorizer_away_from_the_table_and_the_private_keys" {
  command = plan

  assert {
    condition = toset(flatten([for statement in jsondecode(module.service.iam_role_policy_documents["users-authorizer"]).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "ssm:GetParameter",
    ])
    error_message = "The authorizer may log, trace and read a parameter, and has no table access."
  }

  assert {
    condition = flatten([
      for statement in jsondecode(module.service.iam_role_policy_documents["users-authorizer"]).Statement : statement.Resource if statement.Sid == "ReadOwnParameters"
    ]) == ["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/users/jwt-public-keys"]
    error_message = "The authorizer reads the public keys only."
  }
}

run "grants_no_action_with_a_wildcard" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in values(module.service.iam_role_policy_documents) : [
        for statement in jsondecode(document).Statement : [
          for action in flatten([statement.Action]) : !strcontains(action, "*")
        ]
      ]
    ]))
    error_message = "No statement of either role has an action containing *."
  }

  assert {
    condition = alltrue([
      for document in values(module.service.iam_role_policy_documents) :
      alltrue([for statement in jsondecode(document).Statement : !contains(keys(statement), "NotAction")])
    ])
    error_message = "No statement uses NotAction."
  }
}

# What the settings may hold is the service module's to check (its `settings` input); its tests refuse
# unknown environments, log levels and retentions, missing settings and a subscription without a bus.

run "authorizes_the_websocket_connections_with_the_same_function" {
  command = plan

  assert {
    condition     = module.service.service.websocket_authorizer.function_name == "tessera-dev-users-authorizer" && module.service.service.websocket_authorizer.invoke_arn == module.service.service.http_authorizer.invoke_arn
    error_message = "The users-authorizer function (its live alias) is the WebSocket API's $connect authorizer too."
  }

  assert {
    condition     = module.service.service.websocket_integrations == {}
    error_message = "The users service serves no WebSocket route."
  }
}
