"""Renstra Desktop: the five-year strategic plan (Renstra) of a Pemasyarakatan unit, offline."""
__version__ = "0.1.0"
APP_NAME = "Renstra Desktop"
