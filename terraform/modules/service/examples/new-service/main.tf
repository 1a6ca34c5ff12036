# How a new service joins: its own module calls the service building block with the service's
# table declaration and bundle, adds the permissions only it needs, and the environments pass its
# function to the platform (service_integrations and table_streams). Validated by
# `npm run test:terraform`; never applied.

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

  name                   = "bookings"
  environment            = "dev"
  account_id             = "111111111111"
  table_declaration_path = "${path.module}/../../tests/fixtures/full-table.json"
  package_path           = "${path.module}/../../../../../dist/bookings.zip"

  environment_variables = {
    POWERTOOLS_LOG_LEVEL = "INFO"
  }

  # Only what this service needs beyond its own table, one action at a time.
  policy_statements = [
    {
      sid       = "ReadRoomPrices"
      actions   = ["ssm:GetParameter"]
      resources = ["arn:aws:ssm:eu-west-1:111111111111:parameter/tessera/dev/bookings/price-list"]
    },
  ]

  enable_deletion_protection = false
  log_retention_in_days      = 7
}

output "service_integration" {
  description = "What the environment hands the platform for this service's routes."
  value = {
    function_name = module.bookings.lambda_function_name
    invoke_arn    = module.bookings.lambda_alias_invoke_arn
  }
}

output "table_stream" {
  description = "What the environment hands the platform for the outbox publisher."
  value = {
    table_name = module.bookings.dynamodb_table_name
    stream_arn = module.bookings.dynamodb_table_stream_arn
  }
}
