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
