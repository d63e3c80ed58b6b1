"""Team operations: handover, pool, routing, segments, funnel, import/export, privacy."""
