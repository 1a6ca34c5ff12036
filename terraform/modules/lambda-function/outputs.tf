# ARNs are built from names (see main.tf), so they are known at plan time; `depends_on` still makes
# anything that uses them wait until the resource exists.

output "lambda_function_name" {
  description = "Name of the function."
  value       = var.name
  depends_on  = [aws_lambda_alias.this]
}

output "lambda_function_arn" {
  description = "ARN of the function (unqualified)."
  value       = local.function_arn
  depends_on  = [aws_lambda_function.this]
}

output "lambda_alias_name" {
  description = "Name of the alias that serves traffic (`live`)."
  value       = local.alias_name
  depends_on  = [aws_lambda_alias.this]
}

output "lambda_alias_arn" {
  description = "ARN of the `live` alias: what API integrations and event source mappings target."
  value       = local.alias_arn
  depends_on  = [aws_lambda_alias.this]
}

output "lambda_alias_invoke_arn" {
  description = "API Gateway invocation URI of the `live` alias."
  value       = local.alias_invoke_arn
  depends_on  = [aws_lambda_alias.this]
}

output "iam_role_name" {
  description = "Name of the function's role."
  value       = aws_iam_role.this.name
}

output "iam_role_arn" {
  description = "ARN of the function's role."
  value       = aws_iam_role.this.arn
}

output "iam_role_tags" {
  description = "Tags of the function's role (`tags` and `role_tags`, without the provider's default tags)."
  value       = aws_iam_role.this.tags
}

output "iam_role_policy_document" {
  description = "The role's permissions policy, as JSON."
  value       = aws_iam_role_policy.this.policy
}

output "cloudwatch_log_group_name" {
  description = "Log group the function writes to."
  value       = aws_cloudwatch_log_group.this.name
}

output "cloudwatch_metric_alarm_names" {
  description = "Names of the function's alarms (empty when alarms are off)."
  value       = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name]
}

output "lambda_function_environment_variables" {
  description = "Environment variables the function runs with."
  value       = var.environment_variables
}
