output "cloudwatch_dashboard_name" {
  description = "Name of the environment's dashboard (`tessera-<environment>`)."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "cloudwatch_dashboard_body" {
  description = "The dashboard's body, as JSON (known at plan once the APIs exist: its API Gateway widgets name their ids)."
  value       = aws_cloudwatch_dashboard.this.dashboard_body
}

output "cloudwatch_dashboard_metric_names" {
  description = "Every metric of the catalog the dashboard shows, by name."
  value       = sort(local.dashboard_metric_names)
}

output "cloudwatch_metric_alarm_names" {
  description = "Names of the alarms on Tessera's own metrics (empty when alarms are off)."
  value       = sort([for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name])
}
