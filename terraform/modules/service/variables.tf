variable "name" {
  description = "Service name, e.g. `users`. The function is `tessera-<environment>-<name>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name is 2 to 31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment the service belongs to."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment is one of dev, staging, prod."
  }
}

variable "account_id" {
  description = "The AWS account the service lives in. ARNs are built from it so that plans show complete policies."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "The account id is 12 digits."
  }
}

variable "table_declaration_path" {
  description = "Path of the service's table declaration (`services/<name>/table.json`), the same file the devstack creates its table from."
  type        = string
}

variable "table_actions" {
  description = "DynamoDB actions the function may take on its own table. TransactWriteItems needs no action of its own: each item needs its PutItem, UpdateItem, DeleteItem or ConditionCheckItem."
  type        = list(string)
  default = [
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
  ]

  validation {
    condition     = alltrue([for action in var.table_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "Table actions are named DynamoDB actions, with no wildcard."
  }
}

variable "index_actions" {
  description = "DynamoDB actions the function may take on the table's declared indexes."
  type        = list(string)
  default     = ["dynamodb:Query"]

  validation {
    condition     = alltrue([for action in var.index_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "Index actions are named DynamoDB actions, with no wildcard."
  }
}

variable "enable_deletion_protection" {
  description = "Refuse to delete the table (in Terraform and in the console) until this is turned off."
  type        = bool
  default     = true
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key that encrypts the table; null uses the AWS managed key `aws/dynamodb`. Encryption is on either way."
  type        = string
  default     = null
}

variable "package_path" {
  description = "Path of the service's zip (`dist/<name>.zip`). Read only when the function is created."
  type        = string
}

variable "handler" {
  description = "Module and export that Lambda calls."
  type        = string
  default     = "index.handler"
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 512
}

variable "timeout" {
  description = "Longest run of one invocation, in seconds."
  type        = number
  default     = 10
}

variable "environment_variables" {
  description = "Environment variables besides `TABLE_NAME`, which the module sets."
  type        = map(string)
  default     = {}
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; null leaves it unreserved."
  type        = number
  default     = null
}

variable "enable_active_tracing" {
  description = "Trace invocations with AWS X-Ray."
  type        = bool
  default     = true
}

variable "log_retention_in_days" {
  description = "How long CloudWatch keeps the function's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "policy_statements" {
  description = "Further Allow statements for the function's role (for example reading its SSM parameters)."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default = []
}

variable "subscriptions_path" {
  description = "Path to the service's subscriptions declaration (`services/<name>/subscriptions.json`); null when it subscribes to no events."
  type        = string
  default     = null
}

variable "event_bus_name" {
  description = "Name of the event bus the subscriptions' rules listen on. Required when `subscriptions_path` is set."
  type        = string
  default     = null
}

variable "event_maximum_retry_attempts" {
  description = "How often EventBridge retries a failed delivery to the function before the dead-letter queue."
  type        = number
  default     = 8

  validation {
    condition     = var.event_maximum_retry_attempts >= 0 && var.event_maximum_retry_attempts <= 185
    error_message = "event_maximum_retry_attempts must be between 0 and 185."
  }
}

variable "event_maximum_age_in_seconds" {
  description = "How long EventBridge keeps retrying an event before the dead-letter queue."
  type        = number
  default     = 3600

  validation {
    condition     = var.event_maximum_age_in_seconds >= 60 && var.event_maximum_age_in_seconds <= 86400
    error_message = "event_maximum_age_in_seconds must be between 60 and 86400."
  }
}

variable "enable_alarms" {
  description = "Alarm on the function's errors and throttles."
  type        = bool
  default     = false
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives the alarms. Required when `enable_alarms` is true."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
