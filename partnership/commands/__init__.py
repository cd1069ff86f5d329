"""The commands of the one application service, grouped by area as mixins of it."""
