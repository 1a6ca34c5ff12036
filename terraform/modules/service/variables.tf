variable "manifest_path" {
  description = "Path of the service's manifest (`services/<name>/service.json`, schema in `packages/tooling/src/manifests.ts`): its functions, table, settings, secrets and subscriptions, the same file the build, the deploy script and the devstack read."
  type        = string

  validation {
    condition     = fileexists(var.manifest_path)
    error_message = "The manifest_path names no file."
  }

  # What the manifest schema (packages/tooling/src/manifests.ts) also refuses, checked here so that a
  # manifest this module cannot build fails the plan instead of losing a variable. Each is wrapped in
  # try(): a missing file is the validation above's to report (HCL evaluates both sides of `||`).
  validation {
    condition = try(alltrue(flatten([
      for fn in values(jsondecode(file(var.manifest_path)).functions) : [
        for source in values(fn.environment) : length(source) == 1 && contains(["table", "secret", "setting", "eventBus", "webSocket", "scheduler", "value"], one(keys(source)))
      ]
    ])), true)
    error_message = "Every environment variable of the manifest has one source this module knows: table, secret, setting, eventBus, webSocket, scheduler or value."
  }

  validation {
    condition     = try(length([for fn in values(jsondecode(file(var.manifest_path)).functions) : fn if try(fn.schedule, false)]) <= 1, true)
    error_message = "At most one function of the manifest is the schedule target (\"schedule\": true)."
  }

  validation {
    condition = try(anytrue([for fn in values(jsondecode(file(var.manifest_path)).functions) : try(fn.schedule, false)]) || !anytrue(flatten([
      for fn in values(jsondecode(file(var.manifest_path)).functions) : [for source in values(fn.environment) : contains(keys(source), "scheduler")]
    ])), true)
    error_message = "The manifest names the scheduler's parts ({ \"scheduler\": ... }) and no function is the schedule target (\"schedule\": true)."
  }

  validation {
    condition = try(alltrue(flatten([
      for fn in values(jsondecode(file(var.manifest_path)).functions) : [
        for source in values(fn.environment) : contains(["group", "roleArn", "targetArn", "deadLetterArn"], tostring(source.scheduler)) if contains(keys(source), "scheduler")
      ]
    ])), true)
    error_message = "A scheduler source names one of group, roleArn, targetArn or deadLetterArn."
  }
}

# The one place the settings are typed and validated: every service module (modules/<service>)
# takes them untyped and passes them on. Validations name only var.settings and locals that do not
# depend on it (the manifest, the conventions).
variable "settings" {
  description = "What differs between environments, in one object: where the service runs (`environment`, `account_id`, `event_bus_name`, and `websocket`: the WebSocket API's id, stage and @connections endpoint, from the platform), how its functions log and trace, its protection and alarms, optional KMS keys, per function (by its short name in the manifest) `memory_size`, `timeout` and `reserved_concurrent_executions` overriding the manifest, the values of the manifest's `settings` in `variables` (by setting id; a setting without one takes its default), and `tags`."
  type = object({
    environment                = string
    account_id                 = string
    event_bus_name             = optional(string)
    log_level                  = optional(string, "INFO")
    log_retention_in_days      = optional(number, 30)
    enable_active_tracing      = optional(bool, true)
    enable_deletion_protection = optional(bool, true)
    enable_alarms              = optional(bool, false)
    alarm_topic_arn            = optional(string)
    websocket = optional(object({
      api_id               = string
      stage_name           = string
      connections_endpoint = string
    }))
    table_kms_key_arn     = optional(string)
    parameter_kms_key_arn = optional(string)
    functions = optional(map(object({
      memory_size                    = optional(number)
      timeout                        = optional(number)
      reserved_concurrent_executions = optional(number)
    })), {})
    variables = optional(map(string), {})
    tags      = optional(map(string), {})
  })

  validation {
    condition     = contains(local.conventions.environments, var.settings.environment)
    error_message = "settings.environment is one of ${join(", ", local.conventions.environments)} (terraform/conventions.json), not ${var.settings.environment}."
  }

  validation {
    condition     = can(regex("^[0-9]{12}$", var.settings.account_id))
    error_message = "settings.account_id is 12 digits."
  }

  validation {
    condition     = contains(local.conventions.log_levels, var.settings.log_level)
    error_message = "settings.log_level is one of ${join(", ", local.conventions.log_levels)}, the levels the functions parse (LOG_LEVELS in packages/shared/src/logger.ts)."
  }

  validation {
    condition     = contains(local.conventions.log_retention_in_days, var.settings.log_retention_in_days)
    error_message = "settings.log_retention_in_days is one of the values CloudWatch accepts: ${join(", ", local.conventions.log_retention_in_days)} days."
  }

  validation {
    condition     = !var.settings.enable_alarms || var.settings.alarm_topic_arn != null
    error_message = "settings.enable_alarms needs settings.alarm_topic_arn, the SNS topic the alarms go to."
  }

  validation {
    condition     = length(setsubtract(keys(var.settings.functions), keys(local.manifest.functions))) == 0
    error_message = "settings.functions names functions the ${local.manifest.name} manifest does not declare: ${join(", ", setsubtract(keys(var.settings.functions), keys(local.manifest.functions)))} (it declares ${join(", ", keys(local.manifest.functions))})."
  }

  validation {
    condition     = length(setsubtract(keys(var.settings.variables), keys(try(local.manifest.settings, {})))) == 0
    error_message = "settings.variables names settings the ${local.manifest.name} manifest does not declare: ${join(", ", setsubtract(keys(var.settings.variables), keys(try(local.manifest.settings, {}))))}."
  }

  validation {
    condition = length([
      for id, setting in try(local.manifest.settings, {}) : id
      if lookup(var.settings.variables, id, try(setting.default, null)) == null
    ]) == 0
    error_message = "settings.variables lacks ${join(", ", [for id, setting in try(local.manifest.settings, {}) : id if lookup(var.settings.variables, id, try(setting.default, null)) == null])}: the ${local.manifest.name} manifest declares it without a default, so every environment gives it."
  }

  validation {
    condition = var.settings.websocket != null || !anytrue(flatten([
      for fn in values(local.manifest.functions) : [for source in values(fn.environment) : contains(keys(source), "webSocket")]
    ]))
    error_message = "settings.websocket is needed: the ${local.manifest.name} manifest hands a function the WebSocket API's @connections endpoint."
  }

  validation {
    condition = var.settings.event_bus_name != null || (length(try(local.manifest.subscriptions, [])) == 0 && !anytrue(flatten([
      for fn in values(local.manifest.functions) : [for source in values(fn.environment) : contains(keys(source), "eventBus")]
    ])))
    error_message = "settings.event_bus_name is needed: the ${local.manifest.name} manifest subscribes to events or hands a function the bus's name."
  }
}

variable "package_path" {
  description = "Path of the service's zip; null means `dist/<manifest name>.zip` in this repository. Read only when a function is created: later code ships with `scripts/deploy-lambda.sh`."
  type        = string
  default     = null
}

variable "table_actions" {
  description = "DynamoDB actions a function whose environment names the table may take on it. TransactWriteItems needs no action of its own: each item needs its PutItem, UpdateItem, DeleteItem or ConditionCheckItem."
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
  description = "DynamoDB actions a function whose environment names the table may take on the table's declared indexes."
  type        = list(string)
  default     = ["dynamodb:Query"]

  validation {
    condition     = alltrue([for action in var.index_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "Index actions are named DynamoDB actions, with no wildcard."
  }
}

variable "policy_statements" {
  description = "Further Allow statements, by function (its short name in the manifest): what a service module grants beyond what the manifest implies. Actions are listed one by one."
  type = map(list(object({
    sid        = string
    actions    = list(string)
    resources  = list(string)
    conditions = optional(map(map(list(string))), {})
  })))
  default = {}

  validation {
    condition     = length(setsubtract(keys(var.policy_statements), keys(local.manifest.functions))) == 0
    error_message = "policy_statements names functions the manifest does not declare."
  }
}

variable "event_maximum_retry_attempts" {
  description = "How often EventBridge retries a failed delivery to a subscription's target (function or queue) before the events dead-letter queue."
  type        = number
  default     = 8

  validation {
    condition     = var.event_maximum_retry_attempts >= 0 && var.event_maximum_retry_attempts <= 185
    error_message = "event_maximum_retry_attempts must be between 0 and 185."
  }
}

variable "event_maximum_age_in_seconds" {
  description = "How long EventBridge keeps retrying an event before the events dead-letter queue, and how long Lambda keeps retrying a function target's asynchronous invocation (6 hours at most, Lambda's limit) before the invocations dead-letter queue."
  type        = number
  default     = 3600

  validation {
    condition     = var.event_maximum_age_in_seconds >= 60 && var.event_maximum_age_in_seconds <= 86400
    error_message = "event_maximum_age_in_seconds must be between 60 and 86400."
  }
}
