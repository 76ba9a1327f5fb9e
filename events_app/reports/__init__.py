"""The partnership's report, "Our Community's Achievements": what was done
per theme and Sub-council in a period, with figures, charts and exports."""
