provider "aws" {
  region = var.region

  # Refuse to touch any account but this environment's, whatever credentials are active.
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      Project     = "tessera"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
