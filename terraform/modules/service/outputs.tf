output "dynamodb_table_name" {
  description = "Name of the service's table."
  value       = aws_dynamodb_table.this.name
}

output "dynamodb_table_arn" {
  description = "ARN of the service's table."
  value       = aws_dynamodb_table.this.arn
}

output "dynamodb_table_stream_arn" {
  description = "ARN of the table's stream (null when the declaration has no `streamViewType`)."
  value       = local.stream_view_type == null ? null : aws_dynamodb_table.this.stream_arn
}

output "dynamodb_table_index_names" {
  description = "Names of the table's global secondary indexes."
  value       = [for index in local.indexes : index.name]
}

output "dynamodb_table_hash_key" {
  description = "Partition (hash) key attribute of the table."
  value       = aws_dynamodb_table.this.hash_key
}

output "dynamodb_table_range_key" {
  description = "Sort (range) key attribute of the table, or null when the declaration has none."
  value       = aws_dynamodb_table.this.range_key
}

output "dynamodb_table_index_keys" {
  description = "Key attributes of each global secondary index, by index name: `hash_key` and `range_key` (null without one)."
  value = {
    for index in aws_dynamodb_table.this.global_secondary_index : index.name => {
      hash_key  = index.hash_key
      range_key = index.range_key
    }
  }
}

output "dynamodb_table_billing_mode" {
  description = "Billing mode of the table (`PAY_PER_REQUEST`: on-demand)."
  value       = aws_dynamodb_table.this.billing_mode
}

output "dynamodb_table_point_in_time_recovery_enabled" {
  description = "Whether point-in-time recovery is on for the table."
  value       = aws_dynamodb_table.this.point_in_time_recovery[0].enabled
}

output "dynamodb_table_server_side_encryption_enabled" {
  description = "Whether server-side encryption with KMS is on for the table (with `table_kms_key_arn`, or the AWS managed key `aws/dynamodb`)."
  value       = aws_dynamodb_table.this.server_side_encryption[0].enabled
}

output "dynamodb_table_deletion_protection_enabled" {
  description = "Whether the table is protected from deletion."
  value       = aws_dynamodb_table.this.deletion_protection_enabled
}

output "lambda_function_name" {
  description = "Name of the service's function."
  value       = module.function.lambda_function_name
}

output "lambda_function_arn" {
  description = "ARN of the service's function (unqualified)."
  value       = module.function.lambda_function_arn
}

output "lambda_alias_arn" {
  description = "ARN of the function's `live` alias."
  value       = module.function.lambda_alias_arn
}

output "lambda_alias_invoke_arn" {
  description = "API Gateway invocation URI of the `live` alias."
  value       = module.function.lambda_alias_invoke_arn
}

output "iam_role_name" {
  description = "Name of the function's role."
  value       = module.function.iam_role_name
}

output "iam_role_policy_document" {
  description = "The function role's permissions policy, as JSON."
  value       = module.function.iam_role_policy_document
}

output "cloudwatch_log_group_name" {
  description = "Log group of the function."
  value       = module.function.cloudwatch_log_group_name
}

output "lambda_function_environment_variables" {
  description = "Environment variables the service's function runs with (`TABLE_NAME` included)."
  value       = module.function.lambda_function_environment_variables
}

output "cloudwatch_event_rule_names" {
  description = "Names of the EventBridge rules of the service's subscriptions, by subscription name."
  value       = { for name, rule in aws_cloudwatch_event_rule.this : name => rule.name }
}

output "sqs_queue_dead_letter_arn" {
  description = "ARN of the queue that receives events the function could not take, or null without subscriptions."
  value       = local.has_subscriptions ? local.dead_letter_queue_arn : null
}

output "sqs_queue_dead_letter_policy_document" {
  description = "The dead-letter queue's resource policy, as JSON, or null without subscriptions."
  value       = local.has_subscriptions ? aws_sqs_queue_policy.dead_letter[0].policy : null
}
