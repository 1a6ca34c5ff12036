# What the service's function may do with DynamoDB: the listed actions on its own table, queries on
# its declared indexes, and the table's key when it has a customer managed one. The function module
# adds logging and tracing; callers add the rest through `policy_statements`.

locals {
  kms_key_statements = var.table_kms_key_arn == null ? [] : [
    {
      sid       = "UseTableKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.table_kms_key_arn]
    },
  ]
  index_statements = length(local.index_arns) == 0 ? [] : [
    {
      sid       = "QueryOwnIndexes"
      actions   = var.index_actions
      resources = local.index_arns
    },
  ]

  table_statements = concat(
    [
      {
        sid       = "UseOwnTable"
        actions   = var.table_actions
        resources = [local.table_arn]
      },
    ],
    local.index_statements,
    local.kms_key_statements,
  )
}
