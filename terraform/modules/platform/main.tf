/**
 * The HTTP API, built from the contract: `openapi/api.yaml` is decoded, every operation gets the
 * Lambda integration of the service that owns it (`x-tessera-service`), the bearer scheme becomes
 * the users bundle's Lambda authorizer, and the result is the API's `body`. Nothing here lists
 * routes: a new operation in the contract is a new route on the next apply.
 *
 * The WebSocket API is in websocket.tf; the event bus and the outbox publisher in events.tf; the
 * alarm topic and alarms in alarms.tf.
 */

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # The closed sets (environments, log levels, log retentions), written once for every module.
  conventions = jsondecode(file("${path.module}/../../conventions.json"))

  repository_root = "${path.module}/../../.."
  openapi_path    = coalesce(var.openapi_path, "${local.repository_root}/openapi/api.yaml")
  contract        = yamldecode(file(local.openapi_path))

  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.id

  http_methods    = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
  global_security = try(local.contract.security, [])

  operations = flatten([
    for path, item in local.contract.paths : [
      for method, operation in item : {
        route_key    = "${upper(method)} ${path}"
        operation_id = operation.operationId
        service      = operation["x-tessera-service"]
        security     = try(operation.security, local.global_security)
      } if contains(local.http_methods, method)
    ]
  ])

  services_without_integration = sort(distinct([
    for operation in local.operations : operation.service if !contains(keys(var.service_integrations), operation.service)
  ]))

  # Bearer-token schemes are served by the Lambda authorizer.
  bearer_schemes = [
    for name, scheme in try(local.contract.components.securitySchemes, {}) : name
    if try(scheme.type, "") == "http" && lower(try(scheme.scheme, "")) == "bearer"
  ]

  authorizer_scheme = {
    type = "apiKey"
    name = "Authorization"
    in   = "header"
    "x-amazon-apigateway-authorizer" = {
      type                           = "request"
      identitySource                 = "$request.header.Authorization"
      authorizerUri                  = var.authorizer.invoke_arn
      authorizerPayloadFormatVersion = "2.0"
      authorizerResultTtlInSeconds   = var.authorizer_result_ttl_in_seconds
      enableSimpleResponses          = true
    }
  }

  # What API Gateway imports is the contract's routing, not its schemas: HTTP APIs neither validate
  # nor model bodies (the services do, from the same contract), and Terraform's yamldecode reads
  # YAML 1.1, where a bare `y` or `on` is a boolean: schemas (the JWK `y` coordinate) would be
  # imported altered. So each operation keeps its id and summary, states its security explicitly
  # (none for public operations), and gains the integration of its owning service.
  api_paths = {
    for path, item in local.contract.paths : path => {
      for method, operation in item : method => merge(
        {
          operationId = operation.operationId
          summary     = tostring(try(operation.summary, operation.operationId))
          responses   = { default = { description = "See openapi/api.yaml." } }
          "x-amazon-apigateway-integration" = {
            type                 = "aws_proxy"
            httpMethod           = "POST"
            uri                  = try(var.service_integrations[operation["x-tessera-service"]].invoke_arn, null)
            payloadFormatVersion = "2.0"
          }
        },
        { for key, value in { security = try(operation.security, local.global_security) } : key => value if length(value) > 0 },
      ) if contains(local.http_methods, method)
    }
  }

  api_body = {
    openapi = tostring(local.contract.openapi)
    info = {
      title       = tostring(local.contract.info.title)
      version     = tostring(local.contract.info.version)
      description = "Routes of openapi/api.yaml, each integrated with the Lambda function of the service that owns it."
    }
    paths = local.api_paths
    components = {
      securitySchemes = { for name in local.bearer_schemes : name => local.authorizer_scheme }
    }
  }

  referenced_schemes = distinct(flatten([for operation in local.operations : [for requirement in operation.security : keys(requirement)]]))

  access_log_format = {
    requestId          = "$context.requestId"
    requestTime        = "$context.requestTime"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    httpMethod         = "$context.httpMethod"
    path               = "$context.path"
    routeKey           = "$context.routeKey"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationStatus  = "$context.integrationStatus"
    integrationLatency = "$context.integrationLatency"
    integrationError   = "$context.integrationErrorMessage"
    authorizerError    = "$context.authorizer.error"
    errorMessage       = "$context.error.message"
  }
}

resource "aws_apigatewayv2_api" "this" {
  name          = "tessera-${var.environment}-http"
  description   = "Tessera HTTP API (${var.environment}), imported from openapi/api.yaml."
  protocol_type = "HTTP"
  body          = jsonencode(local.api_body)

  dynamic "cors_configuration" {
    for_each = var.cors == null ? [] : [var.cors]

    content {
      allow_origins     = cors_configuration.value.allow_origins
      allow_methods     = cors_configuration.value.allow_methods
      allow_headers     = cors_configuration.value.allow_headers
      expose_headers    = cors_configuration.value.expose_headers
      max_age           = cors_configuration.value.max_age
      allow_credentials = cors_configuration.value.allow_credentials
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(local.services_without_integration) == 0
      error_message = "The contract names services with no entry in service_integrations: ${join(", ", local.services_without_integration)}."
    }

    precondition {
      condition     = alltrue([for name in local.referenced_schemes : contains(local.bearer_schemes, name)])
      error_message = "Operations may only be secured by an http bearer scheme, which the Lambda authorizer serves."
    }
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/tessera-${var.environment}-http"
  retention_in_days = var.access_log_retention_in_days

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = jsonencode(local.access_log_format)
  }

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  tags = var.tags
}
