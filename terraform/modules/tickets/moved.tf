# Where the tickets resources lived before the module was built from the manifest: the function was
# the service module's only one, the cursor secret this module's. Moving them keeps the table, the
# function, its role, alias and log group, and the parameter.

moved {
  from = module.service.module.function
  to   = module.service.module.function["tickets"]
}

moved {
  from = aws_ssm_parameter.cursor_secret
  to   = module.service.aws_ssm_parameter.this["cursor-secret"]
}
