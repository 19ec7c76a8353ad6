"""Portal views, one module per area (STYLE §2.8): tasks, exports, …"""
