variable "environment" {
  description = "Environment the platform belongs to."
  type        = string

  validation {
    condition     = contains(local.conventions.environments, var.environment)
    error_message = "The environment is one of ${join(", ", local.conventions.environments)} (terraform/conventions.json)."
  }
}

variable "account_id" {
  description = "The AWS account the platform lives in. ARNs are built from it so that plans show complete policies."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "The account id is 12 digits."
  }
}

variable "openapi_path" {
  description = "Path of the HTTP contract; null means `openapi/api.yaml` in this repository."
  type        = string
  default     = null
}

variable "service_integrations" {
  description = "Per service named in the contract (`x-tessera-service`), the function that serves its operations: its name, the API Gateway invocation URI of its alias, and the alias."
  type = map(object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string, "live")
  }))
}

variable "authorizer" {
  description = "The Lambda authorizer that guards the contract's secured operations (the users bundle's `authorizer`)."
  type = object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string, "live")
  })
}

variable "authorizer_result_ttl_in_seconds" {
  description = "How long API Gateway caches an authorizer answer per Authorization header; 0 turns caching off. Services re-check the token's expiry, so a cached answer never outlives its token."
  type        = number
  default     = 300

  validation {
    condition     = var.authorizer_result_ttl_in_seconds >= 0 && var.authorizer_result_ttl_in_seconds <= 3600
    error_message = "The authorizer cache TTL is 0 to 3600 seconds."
  }
}

variable "cors" {
  description = "CORS for browser clients; null sends no CORS headers. Only `allow_origins` is required."
  type = object({
    allow_origins     = list(string)
    allow_methods     = optional(list(string), ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    allow_headers     = optional(list(string), ["authorization", "content-type", "idempotency-key", "if-match", "x-request-id"])
    expose_headers    = optional(list(string), ["etag", "location", "x-request-id"])
    max_age           = optional(number, 600)
    allow_credentials = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.cors == null || try(length(var.cors.allow_origins) > 0, false)
    error_message = "CORS needs at least one allowed origin."
  }
}

variable "throttling_burst_limit" {
  description = "Default burst limit of every route (requests)."
  type        = number
  default     = 200

  validation {
    condition     = var.throttling_burst_limit >= 1
    error_message = "The burst limit is at least 1."
  }
}

variable "throttling_rate_limit" {
  description = "Default steady rate limit of every route (requests per second)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit >= 1
    error_message = "The rate limit is at least 1."
  }
}

variable "websocket_integrations" {
  description = "Per function (by its short name in its manifest) that serves WebSocket routes: its name, the API Gateway invocation URI of its alias, the alias, and its routes (`$connect`, `$disconnect`, `$default` or an action). Each route is served by one function."
  type = map(object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string, "live")
    routes        = list(string)
  }))
  default = {}
}

variable "websocket_authorizer" {
  description = "The Lambda authorizer of the WebSocket API's `$connect` (the users bundle's `authorizer`: the access token in the `token` query-string parameter, an IAM policy in answer); null only while no function serves `$connect`."
  type = object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string, "live")
  })
  default = null
}

variable "websocket_throttling_burst_limit" {
  description = "Default burst limit of every WebSocket route (messages, `$connect` included)."
  type        = number
  default     = 200

  validation {
    condition     = var.websocket_throttling_burst_limit >= 1
    error_message = "The burst limit is at least 1."
  }
}

variable "websocket_throttling_rate_limit" {
  description = "Default steady rate limit of every WebSocket route (messages per second)."
  type        = number
  default     = 100

  validation {
    condition     = var.websocket_throttling_rate_limit >= 1
    error_message = "The rate limit is at least 1."
  }
}

variable "access_log_retention_in_days" {
  description = "How long CloudWatch keeps the APIs' access logs (HTTP and WebSocket)."
  type        = number
  default     = 30

  validation {
    condition     = contains(local.conventions.log_retention_in_days, var.access_log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts (terraform/conventions.json): ${join(", ", local.conventions.log_retention_in_days)} days."
  }
}

variable "table_streams" {
  description = "Per service, the table whose stream the outbox publisher reads: its name (for the publisher's permissions) and its stream ARN."
  type = map(object({
    table_name = string
    stream_arn = string
  }))
  default = {}
}

variable "publisher_manifest_path" {
  description = "Path of the outbox publisher's manifest (memory, timeout, export, environment); null means `packages/shared/publisher.json` in this repository."
  type        = string
  default     = null
}

variable "publisher_package_path" {
  description = "Path of the outbox publisher bundle; null means `dist/<manifest name>.zip` (`dist/publisher.zip`) in this repository. Read only when the function is created."
  type        = string
  default     = null
}

variable "publisher_batch_size" {
  description = "Most stream records handed to the publisher in one invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.publisher_batch_size >= 1 && var.publisher_batch_size <= 10000
    error_message = "The batch size is 1 to 10000."
  }
}

variable "log_level" {
  description = "Log level of the publisher (`POWERTOOLS_LOG_LEVEL`)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(local.conventions.log_levels, var.log_level)
    error_message = "The log level is one of ${join(", ", local.conventions.log_levels)}, the levels the functions parse (LOG_LEVELS in packages/shared/src/logger.ts)."
  }
}

variable "log_retention_in_days" {
  description = "How long CloudWatch keeps the publisher's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains(local.conventions.log_retention_in_days, var.log_retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch accepts (terraform/conventions.json): ${join(", ", local.conventions.log_retention_in_days)} days."
  }
}

variable "enable_active_tracing" {
  description = "Trace the publisher with AWS X-Ray."
  type        = bool
  default     = true
}

variable "enable_alarms" {
  description = "Create the alarm topic, and alarms on each API's error rate and p99 latency and on the publisher (errors, throttles, stream lag)."
  type        = bool
  default     = false
}

variable "alarm_thresholds" {
  description = "What raises each alarm of the platform: the HTTP API's 5xx answers as a percentage of its requests (`http_5xx_rate_percent`) and its p99 latency (`http_latency_p99_milliseconds`); the WebSocket API's failed messages (IntegrationError and ExecutionError) as a percentage of its messages (`websocket_error_rate_percent`: IntegrationError counts the functions' 4xx answers too) and its p99 integration latency (`websocket_latency_p99_milliseconds`); how far the publisher is behind a stream (`publisher_iterator_age_milliseconds`). Each over 5 minutes; a rate fires only with at least `minimum_errors` errors in its period, a latency only over at least `minimum_requests` requests (or messages), three periods running."
  type = object({
    http_5xx_rate_percent               = optional(number, 1)
    http_latency_p99_milliseconds       = optional(number, 2000)
    websocket_error_rate_percent        = optional(number, 5)
    websocket_latency_p99_milliseconds  = optional(number, 2000)
    publisher_iterator_age_milliseconds = optional(number, 300000)
    minimum_errors                      = optional(number, 3)
    minimum_requests                    = optional(number, 20)
  })
  default = {}

  # Each by its name: a rate (`_percent`) is above 0 and at most 100, a latency, lag or age
  # (`_milliseconds`) at least 1 ms, a minimum (`minimum_errors`, `minimum_requests`) a whole number of
  # at least 1.
  validation {
    condition = alltrue([
      for name, value in var.alarm_thresholds :
      endswith(name, "_percent") ? value > 0 && value <= 100 : endswith(name, "_milliseconds") ? value >= 1 : value >= 1 && floor(value) == value
    ])
    error_message = "A rate threshold (`_percent`) is a percentage above 0, at most 100; a latency, lag or age (`_milliseconds`) at least 1 ms; minimum_errors and minimum_requests are whole numbers of at least 1."
  }
}

variable "alarm_email_addresses" {
  description = "Addresses subscribed to the alarm topic (each must confirm by email)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
