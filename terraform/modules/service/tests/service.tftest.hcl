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
        for action in statement.Action : action != "*" && !endswith(action, ":*")
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
