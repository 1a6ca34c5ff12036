# How a new service joins: its manifest (services/<name>/service.json) declares its functions,
# table, settings, secrets and subscriptions; its module is this call (plus any resource that is
# the service's own); the environments add one module block and name it in `local.services`.
# Validated by `npm run test:terraform`; never applied.

terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

module "bookings" {
  source = "../.."

  manifest_path = "${path.module}/../../tests/fixtures/bookings.service.json"

  settings = {
    environment                = "dev"
    account_id                 = "111111111111"
    event_bus_name             = "tessera-dev"
    log_retention_in_days      = 7
    enable_deletion_protection = false
    variables                  = { public_url = "https://api.dev.tessera.example" }
    functions                  = { bookings = { memory_size = 1024 } }
  }

  # Only what this service needs beyond what its manifest implies, one action at a time.
  policy_statements = {
    bookings = [
      {
        sid       = "ReadRoomPrices"
        actions   = ["ssm:GetParameter"]
        resources = ["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/bookings/price-list"]
      },
    ]
  }
}

output "service" {
  description = "What the environment hands the platform for this service: its functions, HTTP integration, table stream and parameters."
  value       = module.bookings.service
}
