"""The REST API (/api/v1/): DRF viewsets over the portal's selectors, services and scoping (STYLE §2.8)."""
