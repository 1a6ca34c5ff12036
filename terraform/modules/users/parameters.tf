# The service's key material, in SSM Parameter Store:
#
# - jwt-private-keys (SecureString): the JWK set with the private ES256 key(s); only the users
#   function reads it, and the first key with a private part signs;
# - jwt-public-keys (String): the same set without private parts, for the authorizer;
# - cursor-secret (SecureString): at least 32 characters that sign list cursors.
#
# Terraform creates each parameter with a placeholder the service refuses (an empty key set, a
# secret too short), then ignores its value: `scripts/rotate-jwt-keys.ts` puts the real values, so
# they never pass through Terraform's plan or state (ADR 0011).

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  parameter_prefix = "/tessera/${var.environment}/users"

  parameters = {
    "jwt-private-keys" = {
      type        = "SecureString"
      description = "Private JWK set (ES256) that signs access tokens. Written by scripts/rotate-jwt-keys.ts."
      placeholder = jsonencode({ keys = [] })
    }
    "jwt-public-keys" = {
      type        = "String"
      description = "Public JWK set that verifies access tokens. Written by scripts/rotate-jwt-keys.ts."
      placeholder = jsonencode({ keys = [] })
    }
    "cursor-secret" = {
      type        = "SecureString"
      description = "Secret (32+ characters) that signs list cursors. Written by scripts/rotate-jwt-keys.ts."
      placeholder = "unset"
    }
  }

  parameter_arn_prefix = "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.id}:${var.account_id}:parameter${local.parameter_prefix}"
  parameter_arns       = { for name, _ in local.parameters : name => "${local.parameter_arn_prefix}/${name}" }

  parameter_key_statements = var.parameter_kms_key_arn == null ? [] : [
    {
      sid       = "DecryptOwnParameters"
      actions   = ["kms:Decrypt"]
      resources = [var.parameter_kms_key_arn]
    },
  ]

  service_parameter_statements = concat(
    [
      {
        sid       = "ReadSigningKeysAndCursorSecret"
        actions   = ["ssm:GetParameter"]
        resources = [local.parameter_arns["jwt-private-keys"], local.parameter_arns["cursor-secret"]]
      },
    ],
    local.parameter_key_statements,
  )

  authorizer_parameter_statements = [
    {
      sid       = "ReadPublicKeys"
      actions   = ["ssm:GetParameter"]
      resources = [local.parameter_arns["jwt-public-keys"]]
    },
  ]
}

resource "aws_ssm_parameter" "this" {
  for_each = local.parameters

  name        = "${local.parameter_prefix}/${each.key}"
  description = each.value.description
  type        = each.value.type
  tier        = "Standard"
  key_id      = each.value.type == "SecureString" ? var.parameter_kms_key_arn : null
  value       = each.value.placeholder

  tags = var.tags

  lifecycle {
    # The real values are written by scripts/rotate-jwt-keys.ts, outside Terraform.
    ignore_changes = [value, insecure_value]
  }
}
