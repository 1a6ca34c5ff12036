/**
 * The users service: accounts, sessions and tokens, and the HTTP API's Lambda authorizer. Everything
 * it deploys is declared in its manifest, `services/users/service.json` (two functions on one
 * bundle, the table, the token settings, the key material); the service module builds it all.
 * Nothing here is the users service's own beyond that.
 *
 * The key material lives in SSM Parameter Store: Terraform creates the parameters with
 * placeholders and never reads or writes their values afterwards, so no secret reaches the state
 * or the repository; `scripts/rotate-jwt-keys.ts` writes the real values (ADR 0011).
 */

locals {
  manifest_path = "${path.module}/../../../services/users/service.json"
}

module "service" {
  source = "../service"

  manifest_path = local.manifest_path
  settings      = var.settings
}
