variable "environment" {
  description = "Environment the dashboard and alarms watch: the `environment` dimension of every Tessera metric, and part of their names."
  type        = string

  validation {
    condition     = contains(local.conventions.environments, var.environment)
    error_message = "The environment is one of ${join(", ", local.conventions.environments)} (terraform/conventions.json)."
  }
}

variable "metrics_path" {
  description = "Path of the metric catalog as Terraform reads it (namespace, dimensions, status classes, each metric's unit and extra dimensions); null means `terraform/metrics.json`, which `scripts/generate.ts` writes from `packages/shared/src/metrics/catalog.ts`."
  type        = string
  default     = null

  validation {
    condition     = var.metrics_path == null || try(fileexists(var.metrics_path), false)
    error_message = "The metrics_path names no file."
  }
}

variable "services" {
  description = "Every service of the environment, as its module's `service` output gives it: its `name` (the `service` dimension of its metrics), its functions, `http_integration` (null for a service with no contract operations: it gets no request alarms), its queue targets' queues and its dead-letter queues."
  type = list(object({
    name                        = string
    lambda_function_names       = list(string)
    http_integration            = optional(object({ function_name = string }))
    sqs_queue_names             = optional(list(string), [])
    sqs_queue_dead_letter_names = optional(list(string), [])
  }))

  validation {
    condition     = length(var.services) == length(distinct([for service in var.services : service.name]))
    error_message = "Each service is named once."
  }
}

variable "publisher" {
  description = "The outbox publisher, from the platform: its `name` (the `service` dimension of its metrics, its manifest's name) and its function's name."
  type = object({
    name                 = string
    lambda_function_name = string
  })
}

variable "http_api" {
  description = "The HTTP API, from the platform: its id and stage (the `ApiId` and `Stage` dimensions of its API Gateway metrics)."
  type = object({
    id         = string
    stage_name = string
  })
}

variable "websocket_api" {
  description = "The WebSocket API, from the platform: its id and stage."
  type = object({
    id         = string
    stage_name = string
  })
}

variable "payments_service_name" {
  description = "The service whose `PaymentsSucceeded` and `PaymentsFailed` the payment failure alarm divides (the payments module's `service.name`)."
  type        = string

  validation {
    condition     = anytrue([for service in var.services : service.name == var.payments_service_name])
    error_message = "payments_service_name names ${var.payments_service_name}, which is none of the services (${join(", ", [for service in var.services : service.name])})."
  }
}

variable "reminders_service_name" {
  description = "The service whose `ReminderLag` the reminder lag alarm watches (the bookings module's `service.name`)."
  type        = string

  validation {
    condition     = anytrue([for service in var.services : service.name == var.reminders_service_name])
    error_message = "reminders_service_name names ${var.reminders_service_name}, which is none of the services (${join(", ", [for service in var.services : service.name])})."
  }
}

variable "enable_alarms" {
  description = "Create the alarms on Tessera's own metrics (each HTTP service's 5xx rate and p99 latency, the payment failure rate, the reminder lag), sent to `alarm_topic_arn`. The dashboard is built either way."
  type        = bool
  default     = false
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives the alarms and their return to OK. Required when `enable_alarms` is true."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:[a-z-]+:sns:", var.alarm_topic_arn))
    error_message = "The alarm topic is an SNS topic ARN."
  }

  validation {
    condition     = var.alarm_topic_arn != null || !var.enable_alarms
    error_message = "enable_alarms needs alarm_topic_arn, the SNS topic the alarms go to."
  }
}

variable "alarm_thresholds" {
  description = "What raises each alarm: a service's 5xx answers as a percentage of its requests (`service_5xx_rate_percent`) and its p99 latency in the function (`service_latency_p99_milliseconds`), each over 5 minutes; failed payments as a percentage of charges over 15 minutes (`payment_failure_rate_percent`); the p99 of how late reminders went out (`reminder_lag_p99_milliseconds`, 15 minutes). A rate alarm fires only with at least `minimum_errors` errors or failed payments in its period, and a latency alarm only over at least `minimum_requests` requests, so that one failure out of one, or one cold start, is no page."
  type = object({
    service_5xx_rate_percent         = optional(number, 1)
    service_latency_p99_milliseconds = optional(number, 1000)
    payment_failure_rate_percent     = optional(number, 10)
    reminder_lag_p99_milliseconds    = optional(number, 300000)
    minimum_errors                   = optional(number, 3)
    minimum_requests                 = optional(number, 20)
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

variable "tags" {
  description = "Tags for every alarm the module creates (dashboards take no tags)."
  type        = map(string)
  default     = {}
}
