"""Large-print feedback sheets, printed as PDF in the community's languages (issue 9)."""
