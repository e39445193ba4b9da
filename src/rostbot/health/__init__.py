"""Health of a deployment: `rostbot status`, `rostbot doctor`, the record of processing, and
the optional health and metrics endpoint of a running bot."""
