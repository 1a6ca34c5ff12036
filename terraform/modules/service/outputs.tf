output "service" {
  description = "What an environment hands the platform for this service, in one object: `name`, `lambda_function_names` (every function, for `scripts/deploy-lambda.sh`), `lambda_function_environment_variables` (by function name), `http_integration` (the function serving the service's contract operations, or null), `http_authorizer` (the API's authorizer, or null), `websocket_integrations` (by function short name, the functions serving WebSocket routes: name, invocation URI, routes), `websocket_authorizer` (the WebSocket API's `$connect` authorizer, or null), `dynamodb_table_name`, `table_stream` (for the outbox publisher, or null without a stream), `ssm_parameter_names` (by secret id), `sqs_queue_names` and `sqs_queue_dead_letter_names` (its queue targets' queues and every dead-letter queue, for the dashboard) and `scheduler` (the schedule group's and the schedules' dead-letter queue's names, or null without a schedule target)."
  value = {
    name                  = local.name
    lambda_function_names = [for name in sort(keys(local.functions)) : module.function[name].lambda_function_name]
    # By function name: Terraform keeps a value only apply knows apart here, where the function's own
    # plan shows the whole map as unknown.
    lambda_function_environment_variables = { for name, function in module.function : function.lambda_function_name => function.lambda_function_environment_variables }
    http_integration = length(local.http_functions) == 0 ? null : {
      function_name = module.function[one(local.http_functions)].lambda_function_name
      invoke_arn    = module.function[one(local.http_functions)].lambda_alias_invoke_arn
    }
    http_authorizer = length(local.authorizer_functions) == 0 ? null : {
      function_name = module.function[one(local.authorizer_functions)].lambda_function_name
      invoke_arn    = module.function[one(local.authorizer_functions)].lambda_alias_invoke_arn
    }
    websocket_integrations = {
      for name, routes in local.websocket_functions : name => {
        function_name = module.function[name].lambda_function_name
        invoke_arn    = module.function[name].lambda_alias_invoke_arn
        routes        = routes
      }
    }
    websocket_authorizer = length(local.websocket_authorizer_functions) == 0 ? null : {
      function_name = module.function[one(local.websocket_authorizer_functions)].lambda_function_name
      invoke_arn    = module.function[one(local.websocket_authorizer_functions)].lambda_alias_invoke_arn
    }
    dynamodb_table_name = one(aws_dynamodb_table.this[*].name)
    table_stream = local.stream_view_type == null ? null : {
      table_name = one(aws_dynamodb_table.this[*].name)
      stream_arn = one(aws_dynamodb_table.this[*].stream_arn)
    }
    ssm_parameter_names = { for id, parameter in aws_ssm_parameter.this : id => parameter.name }
    # For the dashboard: every queue of the service, the queue targets' and the dead-letter queues.
    sqs_queue_names             = sort([for queue in aws_sqs_queue.subscription : queue.name])
    sqs_queue_dead_letter_names = sort([for queue in aws_sqs_queue.dead_letter : queue.name])
    scheduler = local.has_schedules ? {
      schedule_group_name        = aws_scheduler_schedule_group.this[0].name
      sqs_queue_dead_letter_name = aws_sqs_queue.dead_letter["schedules"].name
    } : null
  }
}

output "dynamodb_table_name" {
  description = "Name of the service's table (null when the manifest declares none)."
  value       = one(aws_dynamodb_table.this[*].name)
}

output "dynamodb_table_arn" {
  description = "ARN of the service's table (null without a table)."
  value       = one(aws_dynamodb_table.this[*].arn)
}

output "dynamodb_table_stream_arn" {
  description = "ARN of the table's stream (null when the declaration has no `streamViewType`)."
  value       = local.stream_view_type == null ? null : one(aws_dynamodb_table.this[*].stream_arn)
}

output "dynamodb_table_stream_view_type" {
  description = "What the table's stream records (`NEW_IMAGE`, `NEW_AND_OLD_IMAGES`, ...), or null without a stream."
  value       = one([for table in aws_dynamodb_table.this : table.stream_view_type if table.stream_enabled])
}

output "dynamodb_table_ttl_attribute_name" {
  description = "The attribute whose time the table expires items at (its enabled TTL), or null without one."
  value       = try(one([for ttl in aws_dynamodb_table.this[0].ttl : ttl.attribute_name if ttl.enabled]), null)
}

output "dynamodb_table_index_names" {
  description = "Names of the table's global secondary indexes."
  value       = [for index in local.indexes : index.name]
}

output "dynamodb_table_hash_key" {
  description = "Partition (hash) key attribute of the table."
  value       = one(aws_dynamodb_table.this[*].hash_key)
}

output "dynamodb_table_range_key" {
  description = "Sort (range) key attribute of the table, or null when the declaration has none."
  value       = one(aws_dynamodb_table.this[*].range_key)
}

output "dynamodb_table_index_keys" {
  description = "Key attributes of each global secondary index, by index name: `hash_key` and `range_key` (null without one)."
  value = {
    for index in(local.has_table ? aws_dynamodb_table.this[0].global_secondary_index : toset([])) : index.name => {
      hash_key  = index.hash_key
      range_key = index.range_key
    }
  }
}

output "dynamodb_table_billing_mode" {
  description = "Billing mode of the table (`PAY_PER_REQUEST`: on-demand)."
  value       = one(aws_dynamodb_table.this[*].billing_mode)
}

output "dynamodb_table_point_in_time_recovery_enabled" {
  description = "Whether point-in-time recovery is on for the table."
  value       = one(aws_dynamodb_table.this[*].point_in_time_recovery[0].enabled)
}

output "dynamodb_table_server_side_encryption_enabled" {
  description = "Whether server-side encryption with KMS is on for the table (with `settings.table_kms_key_arn`, or the AWS managed key `aws/dynamodb`)."
  value       = one(aws_dynamodb_table.this[*].server_side_encryption[0].enabled)
}

output "dynamodb_table_deletion_protection_enabled" {
  description = "Whether the table is protected from deletion."
  value       = one(aws_dynamodb_table.this[*].deletion_protection_enabled)
}

output "lambda_function_names" {
  description = "Name of each function, by its short name in the manifest (`users-authorizer` => `tessera-<env>-users-authorizer`)."
  value       = { for name, function in module.function : name => function.lambda_function_name }
}

output "lambda_function_sizes" {
  description = "Memory (MB), timeout (seconds) and reserved concurrency (null: unreserved) of each function, by short name: the manifest's, or the settings' where they override it."
  value = {
    for name, fn in local.functions : name => {
      memory_size                    = fn.memory_size
      timeout                        = fn.timeout
      reserved_concurrent_executions = fn.reserved_concurrent_executions
    }
  }
}

output "lambda_function_arns" {
  description = "ARN of each function (unqualified), by short name."
  value       = { for name, function in module.function : name => function.lambda_function_arn }
}

output "lambda_alias_arns" {
  description = "ARN of each function's `live` alias, by short name."
  value       = { for name, function in module.function : name => function.lambda_alias_arn }
}

output "lambda_alias_invoke_arns" {
  description = "API Gateway invocation URI of each function's `live` alias, by short name."
  value       = { for name, function in module.function : name => function.lambda_alias_invoke_arn }
}

output "lambda_function_environment_variables" {
  description = "Environment variables each function runs with, by short name (secrets appear as `ssm:` references)."
  value       = { for name, function in module.function : name => function.lambda_function_environment_variables }
}

output "iam_role_names" {
  description = "Name of each function's role, by short name."
  value       = { for name, function in module.function : name => function.iam_role_name }
}

output "iam_role_tags" {
  description = "Tags of each function's role, by short name: a function that posts to the WebSocket API's connections carries the API's id (`tessera-websocket-api-id`), which its policy names."
  value       = { for name, function in module.function : name => function.iam_role_tags }
}

output "iam_role_policy_documents" {
  description = "Each function role's permissions policy, as JSON, by short name."
  value       = { for name, function in module.function : name => function.iam_role_policy_document }
}

output "cloudwatch_log_group_names" {
  description = "Log group of each function, by short name."
  value       = { for name, function in module.function : name => function.cloudwatch_log_group_name }
}

output "cloudwatch_metric_alarm_names" {
  description = "Names of every alarm of the service: each function's, each dead-letter queue's and each queue target's queue's (empty when alarms are off)."
  value = sort(concat(
    flatten([for function in module.function : function.cloudwatch_metric_alarm_names]),
    [for alarm in aws_cloudwatch_metric_alarm.dead_letters : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.subscription : alarm.alarm_name],
  ))
}

output "ssm_parameter_names" {
  description = "Name of each secret's SSM parameter, by secret id (`/tessera/<env>/<service>/<id>`): what `scripts/rotate-jwt-keys.ts` writes."
  value       = { for id, parameter in aws_ssm_parameter.this : id => parameter.name }
}

output "ssm_parameter_arns" {
  description = "ARN of each secret's SSM parameter, by secret id."
  value       = local.parameter_arns
  depends_on  = [aws_ssm_parameter.this]
}

output "cloudwatch_event_rule_names" {
  description = "Names of the EventBridge rules of the service's subscriptions, by subscription name."
  value       = { for name, rule in aws_cloudwatch_event_rule.this : name => rule.name }
}

output "cloudwatch_event_rule_event_patterns" {
  description = "The event pattern of each subscription's EventBridge rule, decoded, by subscription name."
  value       = { for name, rule in aws_cloudwatch_event_rule.this : name => jsondecode(rule.event_pattern) }
}

output "sqs_queue_dead_letter_arn" {
  description = "ARN of the queue that receives events EventBridge could not deliver to any of the service's targets, or null without subscriptions."
  value       = local.has_subscriptions ? local.dead_letter_queue_arn : null
  depends_on  = [aws_sqs_queue.dead_letter]
}

output "sqs_queue_dead_letter_policy_document" {
  description = "The events dead-letter queue's resource policy, as JSON, or null without subscriptions."
  value       = local.has_subscriptions ? aws_sqs_queue_policy.dead_letter[0].policy : null
}

output "invocations_sqs_queue_dead_letter_arn" {
  description = "ARN of the queue that receives the function targets' asynchronous invocations that failed every attempt (an invocation record each, the event in its `requestPayload`), or null without function targets."
  value       = length(local.function_targets) > 0 ? local.invocation_dead_letter_arn : null
  depends_on  = [aws_sqs_queue.dead_letter]
}

output "lambda_function_event_invoke_configs" {
  description = "How Lambda retries each function target's asynchronous invocations, by function short name: the `qualifier` it applies to (`live`), `maximum_retry_attempts`, `maximum_event_age_in_seconds` and the `on_failure_destination` a failed one goes to. Functions no rule invokes directly have none."
  value = {
    for name, config in aws_lambda_function_event_invoke_config.this : name => {
      qualifier                    = config.qualifier
      maximum_retry_attempts       = config.maximum_retry_attempts
      maximum_event_age_in_seconds = config.maximum_event_age_in_seconds
      on_failure_destination       = one(flatten([for destination in config.destination_config : [for failure in destination.on_failure : failure.destination]]))
    }
  }
}

output "sqs_queue_arns" {
  description = "ARN of each queue target's queue, by subscription name."
  value       = local.queue_arns
  depends_on  = [aws_sqs_queue.subscription]
}

output "sqs_queue_subscription_dead_letter_arns" {
  description = "ARN of each queue target's dead-letter queue, by subscription name."
  value       = { for name, queue in local.queue_dead_letter_names : name => "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${queue}" }
  depends_on  = [aws_sqs_queue.dead_letter]
}

output "sqs_queue_policy_documents" {
  description = "Each queue target's resource policy, as JSON, by subscription name."
  value       = { for name, policy in aws_sqs_queue_policy.subscription : name => policy.policy }
}

output "sqs_queue_visibility_timeout_seconds" {
  description = "How long each queue target's queue hides a received message, in seconds, by subscription name: the declared `visibilityTimeout`, or 6 times its function's timeout in this environment."
  value       = { for name, queue in aws_sqs_queue.subscription : name => queue.visibility_timeout_seconds }
}

output "sqs_queue_redrive_policies" {
  description = "Each queue target's redrive policy, decoded (`deadLetterTargetArn`, `maxReceiveCount`), by subscription name."
  value       = { for name, queue in aws_sqs_queue.subscription : name => jsondecode(queue.redrive_policy) }
}

output "sqs_queue_sse_enabled" {
  description = "Whether each queue of the service is encrypted with SQS managed keys, by queue name: the queue targets' queues and every dead-letter queue."
  value       = { for queue in concat(values(aws_sqs_queue.subscription), values(aws_sqs_queue.dead_letter)) : queue.name => queue.sqs_managed_sse_enabled }
}

output "lambda_event_source_mapping_event_source_arns" {
  description = "The queue each queue target's event source mapping reads, by subscription name."
  value       = { for name, mapping in aws_lambda_event_source_mapping.subscription : name => mapping.event_source_arn }
}

output "lambda_event_source_mapping_function_names" {
  description = "What each queue target's event source mapping invokes (its function's `live` alias ARN), by subscription name."
  value       = { for name, mapping in aws_lambda_event_source_mapping.subscription : name => mapping.function_name }
}

output "lambda_event_source_mapping_function_response_types" {
  description = "What each queue target's function answers besides success or failure (`ReportBatchItemFailures`), by subscription name."
  value       = { for name, mapping in aws_lambda_event_source_mapping.subscription : name => mapping.function_response_types }
}

output "cloudwatch_event_target_arns" {
  description = "What each subscription's rule delivers to (a function's `live` alias, or a queue), by subscription name."
  value       = { for name, target in aws_cloudwatch_event_target.this : name => target.arn }
}

output "cloudwatch_event_target_dead_letter_arns" {
  description = "The queue each subscription's rule target sends an event it could not deliver to, by subscription name."
  value       = { for name, target in aws_cloudwatch_event_target.this : name => one(target.dead_letter_config[*].arn) }
}

output "cloudwatch_event_target_retry_policies" {
  description = "How each subscription's rule target retries a failed delivery (`maximum_retry_attempts`, `maximum_event_age_in_seconds`), by subscription name."
  value = {
    for name, target in aws_cloudwatch_event_target.this : name => {
      maximum_retry_attempts       = one(target.retry_policy[*].maximum_retry_attempts)
      maximum_event_age_in_seconds = one(target.retry_policy[*].maximum_event_age_in_seconds)
    }
  }
}

output "scheduler_schedule_group_name" {
  description = "Name of the service's schedule group (`tessera-<env>-<service>`), or null when no function is a schedule target."
  value       = one(aws_scheduler_schedule_group.this[*].name)
}

output "scheduler_iam_role_arn" {
  description = "ARN of the role schedules of the group run with (the scheduler's execution role), or null without schedules."
  value       = local.has_schedules ? local.scheduler_role_arn : null
  depends_on  = [aws_iam_role_policy.scheduler]
}

output "scheduler_sqs_queue_dead_letter_arn" {
  description = "ARN of the queue that receives schedules the scheduler could not deliver, or null without schedules."
  value       = local.has_schedules ? local.schedule_dead_letter_queue_arn : null
  depends_on  = [aws_sqs_queue.dead_letter]
}

output "scheduler_sqs_queue_dead_letter_name" {
  description = "Name of the queue that receives schedules the scheduler could not deliver (`tessera-<env>-<service>-schedules-dlq`), or null without schedules."
  value       = local.has_schedules ? aws_sqs_queue.dead_letter["schedules"].name : null
}

output "scheduler_lambda_alias_arn" {
  description = "ARN of the `live` alias of the schedule target, what its schedules invoke, or null without schedules."
  value       = local.schedule_target_alias_arn
  depends_on  = [module.function]
}

output "scheduler_iam_role_policy_document" {
  description = "The scheduler role's permissions policy, as JSON, or null without schedules."
  value       = one(aws_iam_role_policy.scheduler[*].policy)
}
