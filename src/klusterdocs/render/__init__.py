"""Rendering documents: Word (docxtpl) and PowerPoint (python-pptx)."""
