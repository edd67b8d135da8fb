"""Detector geometries made of nested material boxes (accelerator beam studies, reference 003)."""

from nuportal.geometry.boxes import BoxGeometry, Material, available_geometries, load_geometry

__all__ = ["BoxGeometry", "Material", "available_geometries", "load_geometry"]
