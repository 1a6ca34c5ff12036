# Who may invoke what: API Gateway invokes each service's `live` alias and the authorizer's; the
# publisher's own role (through the lambda-function module) reads the tables' streams and puts
# events on the bus, and nothing else.

locals {
  event_bus_name = "tessera-${var.environment}"
  event_bus_arn  = "arn:${local.partition}:events:${local.region}:${var.account_id}:event-bus/${local.event_bus_name}"

  stream_statements = length(var.table_streams) == 0 ? [] : [
    {
      sid = "ReadTableStreams"
      actions = [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ]
      resources = [
        for stream in values(var.table_streams) :
        "arn:${local.partition}:dynamodb:${local.region}:${var.account_id}:table/${stream.table_name}/stream/*"
      ]
    },
  ]

  publisher_statements = concat(local.stream_statements, [
    {
      sid       = "PutEventsOnBus"
      actions   = ["events:PutEvents"]
      resources = [local.event_bus_arn]
    },
  ])
}

resource "aws_lambda_permission" "integration" {
  for_each = var.service_integrations

  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowHttpApiAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = var.authorizer.function_name
  qualifier     = var.authorizer.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/authorizers/*"
}
