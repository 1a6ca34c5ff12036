# Prod: deletion-protected tables, a year of logs, alarms to the on-call address, tracing on.

environment = "prod"

# Placeholder: set your production AWS account id. The provider refuses to run against any other account.
account_id = "333333333333"
region     = "eu-west-1"

enable_deletion_protection = true
log_retention_in_days      = 365
log_level                  = "INFO"
enable_alarms              = true

# Placeholder: the address that receives alarms (it must confirm the subscription).
alarm_email_addresses = ["oncall@tessera.example"]

# Per service: its settings' values and any function sized differently from its manifest.
services = {
  users = {
    variables = { jwt_issuer = "tessera-prod" }
  }
}

authorizer_result_ttl_in_seconds = 300
throttling_burst_limit           = 500
throttling_rate_limit            = 200

# The WebSocket API's default limits, for every route ($connect and each message).
websocket_throttling_burst_limit = 500
websocket_throttling_rate_limit  = 200
