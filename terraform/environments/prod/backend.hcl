# State of the prod environment: terraform init -backend-config=backend.hcl
# Placeholder bucket: create yours (versioned, encrypted, public access blocked) and set its name.
bucket       = "tessera-terraform-state-333333333333"
key          = "tessera/prod/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
