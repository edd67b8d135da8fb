"""Experiment models. Each family has a module; its configurations are YAML files in ``configs/``."""
