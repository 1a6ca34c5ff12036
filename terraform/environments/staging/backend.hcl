# State of the staging environment: terraform init -backend-config=backend.hcl
# Placeholder bucket: create yours (versioned, encrypted, public access blocked) and set its name.
bucket       = "tessera-terraform-state-222222222222"
key          = "tessera/staging/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
