# One role per function. Every action is listed by name; resources are scoped to what the function
# owns (its log group) or what the caller passes in `policy_statements` (its table, its parameters).

locals {
  logging_statements = [
    {
      sid       = "WriteOwnLogs"
      actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      resources = ["${local.log_group_arn}:*"]
    },
  ]

  # X-Ray has no resource-level permissions: these two actions only ever take "*".
  tracing_statements = var.enable_active_tracing ? [
    {
      sid       = "SendTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    },
  ] : []

  statements = concat(local.logging_statements, local.tracing_statements, var.policy_statements)

  policy = {
    Version = "2012-10-17"
    Statement = [
      for statement in local.statements : merge(
        {
          Sid      = statement.sid
          Effect   = "Allow"
          Action   = statement.actions
          Resource = statement.resources
        },
        # Only statements with conditions carry the key, so the others read as before.
        { for key, value in { Condition = try(statement.conditions, {}) } : key => value if length(value) > 0 },
      )
    ]
  }
}

resource "aws_iam_role" "this" {
  name        = var.name
  description = "Runs the ${var.name} Lambda function."

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "LambdaAssumesRole"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "lambda.amazonaws.com" }
      },
    ]
  })

  tags = merge(var.tags, var.role_tags)
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-permissions"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.policy)
}
