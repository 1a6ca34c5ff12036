variable "name" {
  description = "Function name, e.g. `tessera-dev-users`. Also names its role and log group."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "The name must be 1 to 64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "What the function does, shown in the Lambda console."
  type        = string
  default     = ""
}

variable "account_id" {
  description = "The AWS account the function lives in. ARNs are built from it so that plans show complete policies."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "The account id is 12 digits."
  }
}

variable "package_path" {
  description = "Path of the zip the function is created from (built by `npm run build`). Read only when the function is created: later code changes ship with `scripts/deploy-lambda.sh`."
  type        = string
}

variable "handler" {
  description = "Module and export that Lambda calls, e.g. `index.handler`."
  type        = string
  default     = "index.handler"
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "Memory is a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Longest run of one invocation, in seconds."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "The timeout is a whole number of seconds from 1 to 900."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function. Never put secrets here: pass `ssm:/<parameter>` references instead."
  type        = map(string)
  default     = {}
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) the function; null leaves it unreserved."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 0, false)
    error_message = "Reserved concurrency is null or a number of at least 0."
  }
}

variable "enable_active_tracing" {
  description = "Sample and trace invocations with AWS X-Ray (active tracing); off passes incoming trace headers through only."
  type        = bool
  default     = true
}

variable "log_retention_in_days" {
  description = "How long CloudWatch keeps the function's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains(local.conventions.log_retention_in_days, var.log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts (terraform/conventions.json): ${join(", ", local.conventions.log_retention_in_days)} days."
  }
}

variable "policy_statements" {
  description = "Allow statements added to the function's role besides logging and tracing. Actions are listed one by one: no `*` and no `service:*`. `conditions` is the statement's `Condition`, by operator and key (`{ StringEquals = { \"iam:PassedToService\" = [\"scheduler.amazonaws.com\"] } }`)."
  type = list(object({
    sid        = string
    actions    = list(string)
    resources  = list(string)
    conditions = optional(map(map(list(string))), {})
  }))
  default = []

  validation {
    condition = alltrue(flatten([
      for statement in var.policy_statements : [
        for action in statement.actions : can(regex("^[a-z0-9-]+:[A-Za-z0-9]+$", action))
      ]
    ]))
    error_message = "Every action is one `service:Action`, with no wildcard."
  }

  validation {
    condition     = alltrue([for statement in var.policy_statements : length(statement.actions) > 0 && length(statement.resources) > 0])
    error_message = "Every statement lists at least one action and one resource."
  }

  validation {
    condition     = alltrue([for statement in var.policy_statements : can(regex("^[A-Za-z0-9]+$", statement.sid))])
    error_message = "Statement ids are letters and digits only."
  }
}

variable "enable_alarms" {
  description = "Create CloudWatch alarms on the function's errors and throttles, sent to `alarm_topic_arn`."
  type        = bool
  default     = false
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives the alarms (and their return to OK). Required when `enable_alarms` is true."
  type        = string
  default     = null
}

variable "alarm_error_threshold" {
  description = "Errors within one 5-minute period that raise the errors alarm."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_error_threshold >= 1
    error_message = "The threshold is at least 1."
  }
}

variable "role_tags" {
  description = "Tags of the function's role only, merged over `tags`: what its policy reads through an `aws:PrincipalTag/<key>` policy variable (such as the WebSocket API a function may post to, known only after apply, so that the policy itself is known at plan)."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
