# Staging: shaped like prod (protected tables, alarms, tracing), with shorter log retention. The
# pipeline applies here first and runs the end-to-end suite against it.

environment = "staging"

# Placeholder: set your staging AWS account id. The provider refuses to run against any other account.
account_id = "222222222222"
region     = "eu-west-1"

enable_deletion_protection = true
log_retention_in_days      = 30
log_level                  = "INFO"
enable_alarms              = true
alarm_email_addresses      = []

# Per service: its settings' values and any function sized differently from its manifest.
services = {
  users = {
    variables = { jwt_issuer = "tessera-staging" }
  }
}

throttling_burst_limit = 100
throttling_rate_limit  = 50

# The WebSocket API's default limits, for every route ($connect and each message).
websocket_throttling_burst_limit = 100
websocket_throttling_rate_limit  = 50
