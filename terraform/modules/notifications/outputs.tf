output "service" {
  description = "What the environment hands the platform (and its own outputs) for this service: see the service module's `service` output."
  value       = module.service.service
}
