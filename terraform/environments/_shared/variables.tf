variable "environment" {
  description = "Name of this environment; part of every resource name (`tessera-<environment>-...`)."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment is one of dev, staging, prod."
  }
}

variable "account_id" {
  description = "The AWS account of this environment. The provider refuses any other, and ARNs are built from it."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "The account id is 12 digits."
  }
}

variable "region" {
  description = "AWS region of this environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "The region is an AWS region name such as eu-west-1."
  }
}

variable "jwt_issuer" {
  description = "The `iss` of access tokens: usually the public base URL of the API."
  type        = string
}

variable "enable_deletion_protection" {
  description = "Protect the service tables from deletion."
  type        = bool
  default     = true
}

variable "log_retention_in_days" {
  description = "How long CloudWatch keeps function and access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653 days)."
  }
}

variable "log_level" {
  description = "Log level of every function: DEBUG, INFO, WARN or ERROR, the levels the functions parse."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "The log level is one of DEBUG, INFO, WARN, ERROR (LOG_LEVELS in packages/shared/src/logger.ts)."
  }
}

variable "enable_active_tracing" {
  description = "Trace every function with AWS X-Ray."
  type        = bool
  default     = true
}

variable "enable_alarms" {
  description = "Create the alarm topic and alarms on errors, throttles, 5xx answers and outbox lag."
  type        = bool
  default     = false
}

variable "alarm_email_addresses" {
  description = "Addresses subscribed to the alarm topic."
  type        = list(string)
  default     = []
}

variable "users_memory_size" {
  description = "Memory of the users function in MB (password hashing is CPU-bound; CPU grows with memory)."
  type        = number
  default     = 1024
}

variable "users_reserved_concurrent_executions" {
  description = "Concurrency reserved for the users function; null leaves it unreserved."
  type        = number
  default     = null
}

variable "authorizer_result_ttl_in_seconds" {
  description = "How long API Gateway caches an authorizer answer; 0 turns caching off."
  type        = number
  default     = 300
}

variable "throttling_burst_limit" {
  description = "Default burst limit of every route."
  type        = number
  default     = 200
}

variable "throttling_rate_limit" {
  description = "Default steady rate limit of every route (requests per second)."
  type        = number
  default     = 100
}

variable "cors_allow_origins" {
  description = "Origins browsers may call the API from; empty sends no CORS headers."
  type        = list(string)
  default     = []
}
