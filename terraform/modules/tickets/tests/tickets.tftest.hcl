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
  environment    = "dev"
  account_id     = "111111111111"
  event_bus_name = "tessera-dev"
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
}

run "subscribes_to_the_users_events_it_projects" {
  command = plan

  variables {
    subscriptions = jsondecode(file("../../../services/tickets/subscriptions.json")).subscriptions
  }

  assert {
    condition     = keys(module.service.cloudwatch_event_rule_names) == [for s in var.subscriptions : s.name]
    error_message = "One rule per declared subscription."
  }

  assert {
    condition     = module.service.sqs_queue_dead_letter_arn == "arn:aws:sqs:eu-west-1:111111111111:tessera-dev-tickets-events-dlq"
    error_message = "Failed deliveries have a dead-letter queue."
  }
}

run "reads_its_cursor_secret_and_nothing_else" {
  command = plan

  assert {
    condition     = module.service.lambda_function_environment_variables.CURSOR_SECRET == "ssm:/tessera/dev/tickets/cursor-secret"
    error_message = "The function finds its cursor secret in SSM."
  }

  assert {
    condition     = aws_ssm_parameter.cursor_secret.type == "SecureString" && nonsensitive(aws_ssm_parameter.cursor_secret.value) == "unset"
    error_message = "Terraform only writes a placeholder SecureString."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(output.iam_role_policy_document).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents",
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
      "ssm:GetParameter",
    ])
    error_message = "The tickets role holds logging, item reads and writes, queries and its cursor secret: no Scan, no wildcard."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(output.iam_role_policy_document).Statement : statement.Resource if statement.Sid == "ReadCursorSecret"
    ])) == toset(["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/tickets/cursor-secret"])
    error_message = "It reads only its own cursor secret."
  }
}
