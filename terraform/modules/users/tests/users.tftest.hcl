# Plans the users module against a mocked AWS provider: no credentials, no network.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  environment = "dev"
  account_id  = "111111111111"
  jwt_issuer  = "https://api.dev.tessera.example"
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
    condition     = module.service.dynamodb_table_hash_key == "pk" && module.service.dynamodb_table_range_key == "sk"
    error_message = "The users table is keyed by pk (partition) and sk (sort), as services/users/table.json declares."
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

  assert {
    condition     = module.service.dynamodb_table_index_keys["gsi1"].hash_key == "gsi1pk" && module.service.dynamodb_table_index_keys["gsi1"].range_key == "gsi1sk"
    error_message = "gsi1 (the users directory and email lookups) is keyed by gsi1pk and gsi1sk."
  }
}

run "protects_and_encrypts_the_users_table_by_default" {
  command = plan

  assert {
    condition     = module.service.dynamodb_table_billing_mode == "PAY_PER_REQUEST"
    error_message = "The users table is on-demand."
  }

  assert {
    condition     = module.service.dynamodb_table_point_in_time_recovery_enabled == true
    error_message = "Point-in-time recovery is on for the users table."
  }

  assert {
    condition     = module.service.dynamodb_table_server_side_encryption_enabled == true
    error_message = "Server-side encryption is on for the users table."
  }

  assert {
    condition     = module.service.dynamodb_table_deletion_protection_enabled == true
    error_message = "The users table is deletion-protected unless told otherwise."
  }
}

run "passes_deletion_protection_off_through_to_the_table" {
  command = plan

  variables {
    enable_deletion_protection = false
  }

  assert {
    condition     = module.service.dynamodb_table_deletion_protection_enabled == false
    error_message = "enable_deletion_protection = false reaches the users table."
  }

  assert {
    condition     = module.service.dynamodb_table_point_in_time_recovery_enabled == true && module.service.dynamodb_table_server_side_encryption_enabled == true
    error_message = "Turning deletion protection off leaves recovery and encryption on."
  }
}

run "configures_the_service_with_its_table_and_secret_references" {
  command = plan

  assert {
    condition     = module.service.lambda_function_name == "tessera-dev-users"
    error_message = "The users function is tessera-<environment>-users."
  }

  assert {
    condition     = aws_ssm_parameter.this["jwt-private-keys"].type == "SecureString" && aws_ssm_parameter.this["cursor-secret"].type == "SecureString"
    error_message = "The private keys and the cursor secret are SecureStrings."
  }

  assert {
    condition     = aws_ssm_parameter.this["jwt-public-keys"].type == "String"
    error_message = "The public keys are a plain String, readable by the authorizer."
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.this["jwt-private-keys"].value).keys == [] && nonsensitive(aws_ssm_parameter.this["cursor-secret"].value) == "unset"
    error_message = "Terraform only ever writes placeholders the service refuses."
  }

  assert {
    condition     = output.ssm_parameter_names["jwt-private-keys"] == "/tessera/dev/users/jwt-private-keys"
    error_message = "Parameters live under /tessera/<environment>/users/."
  }
}

run "gives_the_service_exactly_the_permissions_it_uses" {
  command = plan

  assert {
    condition = toset(flatten([for statement in jsondecode(output.iam_role_policy_document).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
      "ssm:GetParameter",
    ])
    error_message = "The users role holds logging, tracing, item reads and writes, queries and reading its parameters: no Scan, no wildcard."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(output.iam_role_policy_document).Statement : statement.Resource if statement.Sid == "ReadSigningKeysAndCursorSecret"
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
    condition     = module.authorizer.lambda_function_name == "tessera-dev-users-authorizer"
    error_message = "The authorizer is tessera-<environment>-users-authorizer."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(output.authorizer_iam_role_policy_document).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "ssm:GetParameter",
    ])
    error_message = "The authorizer may log, trace and read a parameter, and has no table access."
  }

  assert {
    condition = flatten([
      for statement in jsondecode(output.authorizer_iam_role_policy_document).Statement : statement.Resource if statement.Sid == "ReadPublicKeys"
    ]) == ["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/users/jwt-public-keys"]
    error_message = "The authorizer reads the public keys only."
  }
}

run "hands_each_function_the_settings_it_parses" {
  command = plan

  assert {
    condition = output.lambda_function_environment_variables == tomap({
      TABLE_NAME           = "tessera-dev-users"
      JWT_KEYS             = "ssm:/tessera/dev/users/jwt-private-keys"
      JWT_ISSUER           = "https://api.dev.tessera.example"
      JWT_AUDIENCE         = "tessera-api"
      CURSOR_SECRET        = "ssm:/tessera/dev/users/cursor-secret"
      POWERTOOLS_LOG_LEVEL = "INFO"
    })
    error_message = "The users function gets its table, its private keys and cursor secret by reference, and the token settings."
  }

  assert {
    condition = output.authorizer_lambda_function_environment_variables == tomap({
      JWT_KEYS             = "ssm:/tessera/dev/users/jwt-public-keys"
      JWT_ISSUER           = "https://api.dev.tessera.example"
      JWT_AUDIENCE         = "tessera-api"
      POWERTOOLS_LOG_LEVEL = "INFO"
    })
    error_message = "The authorizer gets the public keys by reference and the token settings, nothing else."
  }
}

run "grants_no_action_with_a_wildcard" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in [output.iam_role_policy_document, output.authorizer_iam_role_policy_document] : [
        for statement in jsondecode(document).Statement : [
          for action in flatten([statement.Action]) : !strcontains(action, "*")
        ]
      ]
    ]))
    error_message = "No statement of either role has an action containing *."
  }

  assert {
    condition = alltrue([
      for document in [output.iam_role_policy_document, output.authorizer_iam_role_policy_document] :
      alltrue([for statement in jsondecode(document).Statement : !contains(keys(statement), "NotAction")])
    ])
    error_message = "No statement uses NotAction."
  }
}

run "refuses_a_log_level_the_functions_do_not_parse" {
  command = plan

  variables {
    log_level = "SILENT"
  }

  expect_failures = [var.log_level]
}

run "refuses_a_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_in_days = 10
  }

  expect_failures = [var.log_retention_in_days]
}
