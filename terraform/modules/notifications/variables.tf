variable "settings" {
  description = "What differs between environments, in one object, passed on as is: the service module types it, fills its defaults and validates it (see its `settings` input)."
  type        = any
}
