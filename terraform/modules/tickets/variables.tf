variable "environment" {
  description = "Environment name; part of every resource name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "account_id" {
  description = "AWS account id the environment lives in; ARNs are built from it so policies are known at plan time."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "event_bus_name" {
  description = "Name of the event bus the users events arrive on (the platform module's bus)."
  type        = string
}

variable "package_path" {
  description = "Path to the built bundle; defaults to dist/tickets.zip of this repository."
  type        = string
  default     = null
}

variable "table_declaration_path" {
  description = "Path to the table declaration; defaults to services/tickets/table.json."
  type        = string
  default     = null
}

variable "subscriptions_path" {
  description = "Path to the subscriptions declaration; defaults to services/tickets/subscriptions.json."
  type        = string
  default     = null
}

variable "memory_size" {
  description = "Memory of the function, in MB."
  type        = number
  default     = 512
}

variable "timeout" {
  description = "Timeout of the function, in seconds."
  type        = number
  default     = 10
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the function; null for none."
  type        = number
  default     = null
}

variable "enable_deletion_protection" {
  description = "Protect the table from deletion."
  type        = bool
  default     = true
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key for the table; null uses the AWS managed key `aws/dynamodb`. Server-side encryption is on either way."
  type        = string
  default     = null
}

variable "parameter_kms_key_arn" {
  description = "Customer managed KMS key for the cursor secret; null for the default aws/ssm key."
  type        = string
  default     = null
}

variable "enable_active_tracing" {
  description = "Trace invocations with AWS X-Ray (on by default, as in every module; dev turns it off)."
  type        = bool
  default     = true
}

variable "log_retention_in_days" {
  description = "How long the function's logs are kept."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "log_level" {
  description = "Log level of the function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "The log level is one of DEBUG, INFO, WARN, ERROR (LOG_LEVELS in packages/shared/src/logger.ts)."
  }
}

variable "enable_alarms" {
  description = "Create alarms on errors, throttles and dead letters."
  type        = bool
  default     = false
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarms notify; required when alarms are on."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
