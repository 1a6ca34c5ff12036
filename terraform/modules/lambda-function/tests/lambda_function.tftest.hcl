# Plans the building block against a mocked AWS provider: no credentials, no network.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  name         = "tessera-test-example"
  account_id   = "111111111111"
  package_path = "example.zip"
  environment_variables = {
    TABLE_NAME = "tessera-test-example"
  }
  policy_statements = [
    {
      sid       = "ReadOwnTable"
      actions   = ["dynamodb:GetItem", "dynamodb:Query"]
      resources = ["arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-test-example"]
    },
  ]
}

run "runs_node_22_on_arm64_with_a_live_alias" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs22.x"
    error_message = "Functions run on nodejs22.x."
  }

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "Functions run on arm64."
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "Active tracing is on by default."
  }

  assert {
    condition     = aws_lambda_function.this.publish == false
    error_message = "Terraform publishes no versions: scripts/deploy-lambda.sh does."
  }

  assert {
    condition     = aws_lambda_alias.this.name == "live" && aws_lambda_alias.this.function_version == "$LATEST"
    error_message = "The live alias starts on $LATEST until the first deploy."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["TABLE_NAME"] == "tessera-test-example"
    error_message = "Environment variables reach the function."
  }

  assert {
    condition     = output.lambda_alias_invoke_arn == "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:tessera-test-example:live/invocations"
    error_message = "The invoke ARN targets the live alias."
  }
}

run "sizes_the_function_with_the_defaults" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.memory_size == 256 && aws_lambda_function.this.timeout == 10
    error_message = "Functions get 256 MB and 10 seconds unless told otherwise."
  }

  assert {
    # Unset (null) in the plan; the provider reads an unreserved function back as -1.
    condition     = coalesce(aws_lambda_function.this.reserved_concurrent_executions, -1) == -1
    error_message = "Concurrency is unreserved unless reserved_concurrent_executions is set."
  }
}

run "sizes_the_function_with_the_memory_timeout_and_concurrency_given" {
  command = plan

  variables {
    memory_size                    = 2048
    timeout                        = 30
    reserved_concurrent_executions = 5
  }

  assert {
    condition     = aws_lambda_function.this.memory_size == 2048
    error_message = "memory_size reaches the function."
  }

  assert {
    condition     = aws_lambda_function.this.timeout == 30
    error_message = "timeout reaches the function."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 5
    error_message = "reserved_concurrent_executions reaches the function."
  }
}

run "refuses_less_memory_than_lambda_offers" {
  command = plan

  variables {
    memory_size = 64
  }

  expect_failures = [var.memory_size]
}

run "refuses_more_memory_than_lambda_offers" {
  command = plan

  variables {
    memory_size = 10241
  }

  expect_failures = [var.memory_size]
}

run "keeps_logs_for_the_retention_given" {
  command = plan

  variables {
    log_retention_in_days = 90
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/tessera-test-example" && aws_cloudwatch_log_group.this.retention_in_days == 90
    error_message = "The function logs to its own log group with the retention given."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/tessera-test-example"
    error_message = "The function writes to the log group Terraform manages."
  }
}

run "grants_only_listed_actions_on_scoped_resources" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : [
        for action in statement.Action : !strcontains(action, "*")
      ]
    ]))
    error_message = "No statement grants a wildcard action."
  }

  assert {
    condition = toset(flatten([for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "dynamodb:GetItem", "dynamodb:Query",
    ])
    error_message = "The role holds logging, tracing and the statements passed in, nothing else."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_iam_role_policy.this.policy).Statement :
      alltrue([for resource in statement.Resource : resource != "*"]) if statement.Sid != "SendTraces"
    ])
    error_message = "Only X-Ray, which has no resource-level permissions, takes Resource *."
  }
}

run "adds_a_condition_only_to_the_statement_that_has_one" {
  command = plan

  variables {
    policy_statements = [
      {
        sid       = "ReadOwnTable"
        actions   = ["dynamodb:GetItem"]
        resources = ["arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-test-example"]
      },
      {
        sid        = "PassSchedulerRole"
        actions    = ["iam:PassRole"]
        resources  = ["arn:aws:iam::111111111111:role/tessera-test-example-scheduler"]
        conditions = { StringEquals = { "iam:PassedToService" = ["scheduler.amazonaws.com"] } }
      },
    ]
  }

  assert {
    condition     = [for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Condition if statement.Sid == "PassSchedulerRole"] == [{ StringEquals = { "iam:PassedToService" = ["scheduler.amazonaws.com"] } }]
    error_message = "A statement's conditions become its Condition."
  }

  assert {
    condition     = alltrue([for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : !contains(keys(statement), "Condition") if statement.Sid != "PassSchedulerRole"])
    error_message = "Statements without conditions carry no Condition key, so their policy reads as before."
  }
}

run "drops_tracing_permissions_when_tracing_is_off" {
  command = plan

  variables {
    enable_active_tracing = false
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "PassThrough"
    error_message = "Tracing can be turned off."
  }

  assert {
    condition     = !contains(flatten([for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Action]), "xray:PutTraceSegments")
    error_message = "Without tracing the role cannot send traces."
  }
}

run "alarms_on_errors_and_throttles_when_enabled" {
  command = plan

  variables {
    enable_alarms   = true
    alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:tessera-test-alarms"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["errors"].metric_name == "Errors" && aws_cloudwatch_metric_alarm.this["throttles"].metric_name == "Throttles"
    error_message = "Errors and throttles each have an alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["errors"].alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:tessera-test-alarms"])
    error_message = "Alarms go to the topic given."
  }
}

run "has_no_alarms_by_default" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0
    error_message = "Alarms are opt-in."
  }
}

run "refuses_alarms_without_a_topic" {
  command = plan

  variables {
    enable_alarms = true
  }

  expect_failures = [aws_cloudwatch_metric_alarm.this]
}

run "refuses_a_wildcard_action" {
  command = plan

  variables {
    policy_statements = [
      {
        sid       = "TooBroad"
        actions   = ["dynamodb:*"]
        resources = ["arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-test-example"]
      },
    ]
  }

  expect_failures = [var.policy_statements]
}

run "refuses_an_unknown_log_retention" {
  command = plan

  variables {
    log_retention_in_days = 10
  }

  expect_failures = [var.log_retention_in_days]
}

run "tags_the_role_with_its_own_tags_over_the_shared_ones" {
  command = plan

  variables {
    tags      = { Team = "tessera", Scope = "shared" }
    role_tags = { Scope = "role", "tessera-websocket-api-id" = "a1b2c3d4e5" }
  }

  assert {
    condition     = aws_iam_role.this.tags == tomap({ Team = "tessera", Scope = "role", "tessera-websocket-api-id" = "a1b2c3d4e5" })
    error_message = "The role carries the shared tags and its own, its own winning."
  }

  assert {
    condition     = aws_lambda_function.this.tags == tomap({ Team = "tessera", Scope = "shared" })
    error_message = "Role tags stay on the role: the function keeps the shared tags."
  }
}
