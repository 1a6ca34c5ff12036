# Where the users resources lived before the module was built from the manifest: the service
# function was the service module's only one, the authorizer a module of its own, the parameters
# this module's. Moving them keeps every table, function, role, alias, log group and parameter.

moved {
  from = module.service.module.function
  to   = module.service.module.function["users"]
}

moved {
  from = module.authorizer
  to   = module.service.module.function["users-authorizer"]
}

moved {
  from = aws_ssm_parameter.this
  to   = module.service.aws_ssm_parameter.this
}
