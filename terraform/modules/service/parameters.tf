# The service's secrets, one SSM parameter each: `/tessera/<env>/<service>/<secret id>`. Terraform
# creates each with a placeholder the service refuses, by the secret's kind, then ignores its value:
# `scripts/rotate-jwt-keys.ts` writes the real values, so they never pass through Terraform's plan
# or state (ADR 0011).
#
# | kind            | type         | placeholder   |
# |-----------------|--------------|---------------|
# | random          | SecureString | unset         |
# | jwk-private-set | SecureString | {"keys":[]}   |
# | jwk-public-set  | String       | {"keys":[]}   |

locals {
  parameter_prefix = "/tessera/${local.environment}/${local.name}"

  secrets = {
    for id, secret in local.declared_secrets : id => {
      description = secret.description
      type        = secret.kind == "jwk-public-set" ? "String" : "SecureString"
      placeholder = secret.kind == "random" ? "unset" : jsonencode({ keys = [] })
    }
  }

  parameter_names = { for id, _ in local.secrets : id => "${local.parameter_prefix}/${id}" }
  parameter_arns = {
    for id, name in local.parameter_names : id => "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${name}"
  }
}

resource "aws_ssm_parameter" "this" {
  for_each = local.secrets

  name        = local.parameter_names[each.key]
  description = each.value.description
  type        = each.value.type
  tier        = "Standard"
  key_id      = each.value.type == "SecureString" ? var.settings.parameter_kms_key_arn : null
  value       = each.value.placeholder

  tags = var.settings.tags

  lifecycle {
    # The real values are written by scripts/rotate-jwt-keys.ts, outside Terraform.
    ignore_changes = [value, insecure_value]
  }
}
