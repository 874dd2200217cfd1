"""redline: find ads for banned prenatal sex identification, sex selection and blood smuggling."""

__version__ = "0.1.0"
