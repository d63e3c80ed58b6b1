"""Fakes of third parties at their network seam."""
