terraform {
  # 1.10 brought S3 state locking without DynamoDB (`use_lockfile`); OpenTofu has it since 1.10 too.
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 7.0.0"
    }
  }

  # Settings per environment live in backend.hcl: terraform init -backend-config=backend.hcl
  backend "s3" {}
}
