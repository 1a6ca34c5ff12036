# Dev: cheap and disposable. Tables can be deleted, logs are short-lived, no alarms (tracing is on, as
# everywhere).

environment = "dev"

# Placeholder: set your dev AWS account id. The provider refuses to run against any other account.
account_id = "111111111111"
region     = "eu-west-1"

enable_deletion_protection = false
log_retention_in_days      = 7
log_level                  = "DEBUG"
enable_alarms              = false

# Per service: its settings' values and any function sized differently from its manifest.
services = {
  users = {
    variables = { jwt_issuer = "tessera-dev" }
    functions = { users = { memory_size = 512 } }
  }
}

throttling_burst_limit = 50
throttling_rate_limit  = 20

cors_allow_origins = ["http://localhost:5173"]

# The WebSocket API's default limits, for every route ($connect and each message).
websocket_throttling_burst_limit = 50
websocket_throttling_rate_limit  = 20
