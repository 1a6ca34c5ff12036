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

variable "jwt_issuer" {
  description = "The `iss` of access tokens, checked by the authorizer: usually the public base URL of the API."
  type        = string

  validation {
    condition     = length(var.jwt_issuer) > 0
    error_message = "The issuer is not empty."
  }
}

variable "jwt_audience" {
  description = "The `aud` of access tokens, checked by the authorizer."
  type        = string
  default     = "tessera-api"
}

variable "package_path" {
  description = "Path of the users bundle; null means `dist/users.zip` in this repository. Read only when the functions are created."
  type        = string
  default     = null
}

variable "table_declaration_path" {
  description = "Path of the users table declaration; null means `services/users/table.json` in this repository."
  type        = string
  default     = null
}

variable "memory_size" {
  description = "Memory of the users function in MB. Password hashing (argon2id) is CPU-bound, and CPU grows with memory."
  type        = number
  default     = 1024
}

variable "timeout" {
  description = "Longest run of one invocation of the users function, in seconds."
  type        = number
  default     = 10
}

variable "authorizer_memory_size" {
  description = "Memory of the authorizer function in MB."
  type        = number
  default     = 256
}

variable "authorizer_timeout" {
  description = "Longest run of one authorizer invocation, in seconds."
  type        = number
  default     = 5
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the users function; null leaves it unreserved."
  type        = number
  default     = null
}

variable "log_level" {
  description = "Log level of both functions (`POWERTOOLS_LOG_LEVEL`)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "The log level is one of DEBUG, INFO, WARN, ERROR (LOG_LEVELS in packages/shared/src/logger.ts)."
  }
}

variable "enable_deletion_protection" {
  description = "Refuse to delete the users table until this is turned off."
  type        = bool
  default     = true
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key for the users table; null uses the AWS managed key `aws/dynamodb`. Server-side encryption is on either way."
  type        = string
  default     = null
}

variable "parameter_kms_key_arn" {
  description = "Customer managed KMS key for the SecureString parameters; null uses the AWS managed key `aws/ssm`."
  type        = string
  default     = null
}

variable "enable_active_tracing" {
  description = "Trace invocations with AWS X-Ray."
  type        = bool
  default     = true
}

variable "log_retention_in_days" {
  description = "How long CloudWatch keeps the logs of both functions."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "enable_alarms" {
  description = "Alarm on errors and throttles of both functions."
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
