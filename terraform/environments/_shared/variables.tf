variable "environment" {
  description = "Name of this environment; part of every resource name (`tessera-<environment>-...`)."
  type        = string

  validation {
    condition     = contains(local.conventions.environments, var.environment)
    error_message = "The environment is one of ${join(", ", local.conventions.environments)} (terraform/conventions.json)."
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

variable "services" {
  description = "Per service (by its manifest's name), what this environment sets: `functions` (by short name: `memory_size`, `timeout`, `reserved_concurrent_executions`, each overriding the manifest) and `variables` (the values of the manifest's `settings`, such as users' `jwt_issuer`; a setting left out takes its default)."
  type = map(object({
    functions = optional(map(object({
      memory_size                    = optional(number)
      timeout                        = optional(number)
      reserved_concurrent_executions = optional(number)
    })), {})
    variables = optional(map(string), {})
  }))
  default = {}

  validation {
    condition     = alltrue([for name in keys(var.services) : fileexists("${path.module}/../../../services/${name}/service.json")])
    error_message = "services names a service with no manifest (services/<name>/service.json): ${join(", ", [for name in keys(var.services) : name if !fileexists("${path.module}/../../../services/${name}/service.json")])}."
  }
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
    condition     = contains(local.conventions.log_retention_in_days, var.log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts (terraform/conventions.json): ${join(", ", local.conventions.log_retention_in_days)} days."
  }
}

variable "log_level" {
  description = "Log level of every function: DEBUG, INFO, WARN or ERROR, the levels the functions parse."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(local.conventions.log_levels, var.log_level)
    error_message = "The log level is one of ${join(", ", local.conventions.log_levels)}, the levels the functions parse (LOG_LEVELS in packages/shared/src/logger.ts)."
  }
}

variable "enable_alarms" {
  description = "Create the alarm topic and the alarms: every function's errors and throttles, every queue's and dead-letter queue's, each API's and each service's error rate and p99 latency, the payment failure rate, the reminder lag and the outbox lag. The dashboard is built either way."
  type        = bool
  default     = false
}

variable "alarm_thresholds" {
  description = "When alarms are on, what raises them (each has a default): the HTTP API's 5xx share of its requests and p99 latency, the WebSocket API's failed share of its messages and p99 integration latency, the publisher's lag (modules/platform); each service's 5xx share and p99 latency in its function, the failed share of charges, the p99 reminder lag (modules/observability). A rate fires only with at least `minimum_errors` errors in its period, a latency only over at least `minimum_requests` requests. Percentages are of 100, times in milliseconds."
  type = object({
    http_5xx_rate_percent               = optional(number, 1)
    http_latency_p99_milliseconds       = optional(number, 2000)
    websocket_error_rate_percent        = optional(number, 5)
    websocket_latency_p99_milliseconds  = optional(number, 2000)
    publisher_iterator_age_milliseconds = optional(number, 300000)
    service_5xx_rate_percent            = optional(number, 1)
    service_latency_p99_milliseconds    = optional(number, 1000)
    payment_failure_rate_percent        = optional(number, 10)
    reminder_lag_p99_milliseconds       = optional(number, 300000)
    minimum_errors                      = optional(number, 3)
    minimum_requests                    = optional(number, 20)
  })
  default = {}
}

variable "alarm_email_addresses" {
  description = "Addresses subscribed to the alarm topic."
  type        = list(string)
  default     = []
}

variable "authorizer_result_ttl_in_seconds" {
  description = "How long API Gateway caches an authorizer answer; 0 turns caching off."
  type        = number
  default     = 300
}

variable "throttling_burst_limit" {
  description = "Default burst limit of every route of the HTTP API."
  type        = number
  default     = 200
}

variable "throttling_rate_limit" {
  description = "Default steady rate limit of every route of the HTTP API (requests per second)."
  type        = number
  default     = 100
}

variable "websocket_throttling_burst_limit" {
  description = "Default burst limit of every WebSocket route (messages, `$connect` included)."
  type        = number
  default     = 200
}

variable "websocket_throttling_rate_limit" {
  description = "Default steady rate limit of every WebSocket route (messages per second)."
  type        = number
  default     = 100
}

variable "cors_allow_origins" {
  description = "Origins browsers may call the API from; empty sends no CORS headers."
  type        = list(string)
  default     = []
}
