"""Rendering documents from templates: Word (docxtpl); template lookup."""
