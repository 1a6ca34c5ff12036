# State of the dev environment: terraform init -backend-config=backend.hcl
# Placeholder bucket: create yours (versioned, encrypted, public access blocked) and set its name.
bucket       = "tessera-terraform-state-111111111111"
key          = "tessera/dev/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
