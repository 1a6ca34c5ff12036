# The settings block of modules/service/variables.tf, word for word (tests/deploy/terraform-conventions.test.ts
# keeps them equal): the environment passes it here, and this module passes it on.
variable "settings" {
  description = "What differs between environments, in one object: where the service runs (`environment`, `account_id`, `event_bus_name`), how its functions log and trace, its protection and alarms, optional KMS keys, per function (by its short name in the manifest) `memory_size`, `timeout` and `reserved_concurrent_executions` overriding the manifest, the values of the manifest's `settings` in `variables` (by setting id; a setting without one takes its default), and `tags`."
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
    table_kms_key_arn          = optional(string)
    parameter_kms_key_arn      = optional(string)
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
    condition = var.settings.event_bus_name != null || (length(try(local.manifest.subscriptions, [])) == 0 && !anytrue(flatten([
      for fn in values(local.manifest.functions) : [for source in values(fn.environment) : contains(keys(source), "eventBus")]
    ])))
    error_message = "settings.event_bus_name is needed: the ${local.manifest.name} manifest subscribes to events or hands a function the bus's name."
  }
}
