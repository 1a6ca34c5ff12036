/**
 * One Tessera environment: the platform (HTTP API, WebSocket API, authorizer wiring, event bus,
 * outbox publisher, alarm topic), every service, and the dashboard and alarms over them all
 * (observability). The three environment folders hold the same code; they differ
 * only in terraform.tfvars and backend.hcl, and the Terraform check fails if their code drifts.
 *
 * Adding a service is its module block below and its name in `local.services`: everything the
 * platform and the outputs need comes from the module's `service` output, and its settings from
 * its entry in `var.services`.
 *
 * Every function traces with X-Ray (active tracing, the modules' default) in every environment, dev
 * included: no variable turns it off, and the policy test fails a plan with a function that does not.
 */

locals {
  # The closed sets (environments, log levels, log retentions), written once for every module.
  conventions = jsondecode(file("${path.module}/../../conventions.json"))

  # The settings every service shares in this environment; each gets its own entry of
  # var.services (function sizes, setting values) merged over them.
  service_settings = {
    environment                = var.environment
    account_id                 = var.account_id
    event_bus_name             = module.platform.event_bus_name
    log_level                  = var.log_level
    log_retention_in_days      = var.log_retention_in_days
    enable_deletion_protection = var.enable_deletion_protection
    enable_alarms              = var.enable_alarms
    alarm_topic_arn            = module.platform.sns_topic_arn
    websocket                  = module.platform.websocket
  }

  # Every service module of the environment, by its `service` output. Terraform cannot list module
  # calls, so a new service is named here once.
  services = [
    module.users.service,
    module.tickets.service,
    module.bookings.service,
    module.payments.service,
    module.notifications.service,
  ]
}

module "platform" {
  source = "../../modules/platform"

  environment = var.environment
  account_id  = var.account_id

  service_integrations = { for service in local.services : service.name => service.http_integration if service.http_integration != null }
  authorizer           = one([for service in local.services : service.http_authorizer if service.http_authorizer != null])
  table_streams        = { for service in local.services : service.name => service.table_stream if service.table_stream != null }

  websocket_integrations = merge([for service in local.services : service.websocket_integrations]...)
  websocket_authorizer   = one([for service in local.services : service.websocket_authorizer if service.websocket_authorizer != null])

  authorizer_result_ttl_in_seconds = var.authorizer_result_ttl_in_seconds
  cors                             = length(var.cors_allow_origins) > 0 ? { allow_origins = var.cors_allow_origins } : null
  throttling_burst_limit           = var.throttling_burst_limit
  throttling_rate_limit            = var.throttling_rate_limit
  websocket_throttling_burst_limit = var.websocket_throttling_burst_limit
  websocket_throttling_rate_limit  = var.websocket_throttling_rate_limit
  access_log_retention_in_days     = var.log_retention_in_days
  log_retention_in_days            = var.log_retention_in_days
  log_level                        = var.log_level
  enable_alarms                    = var.enable_alarms
  alarm_email_addresses            = var.alarm_email_addresses
  # Each module takes the thresholds of its own alarms from the one object.
  alarm_thresholds = var.alarm_thresholds
}

# The environment's dashboard, and the alarms on Tessera's own metrics (each service's requests,
# payments, reminders), from what the platform and the services hand on.
module "observability" {
  source = "../../modules/observability"

  environment   = var.environment
  services      = local.services
  publisher     = module.platform.publisher
  http_api      = { id = module.platform.http_api_id, stage_name = module.platform.http_api_stage_name }
  websocket_api = { id = module.platform.websocket_api_id, stage_name = module.platform.websocket_stage_name }

  payments_service_name  = module.payments.service.name
  reminders_service_name = module.bookings.service.name

  enable_alarms    = var.enable_alarms
  alarm_topic_arn  = module.platform.sns_topic_arn
  alarm_thresholds = var.alarm_thresholds
}

module "users" {
  source = "../../modules/users"

  settings = merge(local.service_settings, try(var.services.users, {}))
}

module "tickets" {
  source = "../../modules/tickets"

  settings = merge(local.service_settings, try(var.services.tickets, {}))
}

module "bookings" {
  source = "../../modules/bookings"

  settings = merge(local.service_settings, try(var.services.bookings, {}))
}

module "payments" {
  source = "../../modules/payments"

  settings = merge(local.service_settings, try(var.services.payments, {}))
}

module "notifications" {
  source = "../../modules/notifications"

  settings = merge(local.service_settings, try(var.services.notifications, {}))
}
